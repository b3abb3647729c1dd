/**
 * The actor catalogue: each config entry names an actor kind and its parameters; the run
 * builds one actor per entry. Drawing parameters for a kind lives beside its constructor in
 * one table, so swarm configs and explicit JSON configs go through the same constructors and
 * a new kind is one union member and one table entry.
 */
import type { Draw } from '../choices.ts';
import type { ActorSpec } from '../actor.ts';
import { stackingDriver, type StackingDriverParams } from './stacking_driver.ts';
import { iterUser, type IterUserParams, type IterVariant } from './iter_user.ts';
import { bvecqConsumer, type BvecqConsumerParams } from './bvecq_consumer.ts';
import { netfsReader, type NetfsReaderParams, type NetfsRunContext } from './netfs_reader.ts';
import { dioReader, dioWriter, type DioParams, type DioPath, type DioWriterParams } from './dio.ts';
import { drawNetfsDioWriter, netfsDioWriter, type NetfsDioWriterParams } from './netfs_dio_writer.ts';
import { drawNetfsDioReader, netfsDioReader, type NetfsDioReaderParams } from './netfs_dio_reader.ts';
import { drawNetfsWriteback, netfsWriteback, type NetfsWritebackParams } from './netfs_writeback.ts';
import { bvecqBuffer, drawBvecqBuffer, type BvecqBufferParams } from './bvecq_buffer.ts';

export type { NetfsRunContext };

export type ActorConfig =
  | ({ kind: 'stacking_driver'; name: string } & StackingDriverParams)
  | ({ kind: 'iter_user'; name: string } & IterUserParams)
  | ({ kind: 'bvecq_consumer'; name: string } & BvecqConsumerParams)
  | ({ kind: 'netfs_reader'; name: string } & NetfsReaderParams)
  | ({ kind: 'dio_writer'; name: string } & DioWriterParams)
  | ({ kind: 'dio_reader'; name: string } & DioParams)
  | ({ kind: 'netfs_dio_writer'; name: string } & NetfsDioWriterParams)
  | ({ kind: 'netfs_dio_reader'; name: string } & NetfsDioReaderParams)
  | ({ kind: 'bvecq_buffer'; name: string } & BvecqBufferParams)
  | ({ kind: 'netfs_writeback'; name: string } & NetfsWritebackParams);

export type ActorKind = ActorConfig['kind'];

type ConfigOf<K extends ActorKind> = Extract<ActorConfig, { kind: K }>;

interface KindEntry<K extends ActorKind> {
  /** One actor, or several cooperating ones (a netfs reader is issuer, filesystem and collector). */
  build(c: ConfigOf<K>, run: NetfsRunContext): ActorSpec | readonly ActorSpec[];
  /** Draws the parameters of one actor (swarm testing: every seed its own shape). */
  draw(name: string, draw: Draw): ConfigOf<K>;
}

const half = { numerator: 1, denominator: 2 };
const quarter = { numerator: 1, denominator: 4 };

const VARIANTS: readonly IterVariant[] = ['bvecq', 'bvec', 'mixed'];
const DIO_PATHS: readonly DioPath[] = ['bounce', 'pin', 'mixed'];

/** What a DIO writer and reader share: the user buffer's shape and how bios are filled. */
function drawDio(draw: Draw): DioParams {
  return {
    rounds: 1 + draw.int(3),
    pagesMax: 1 + draw.int(draw.chance(quarter) ? 64 : 8),
    // Mostly small folios; now and then THPs, whose pages make multi-page vecs.
    orderMax: draw.chance({ numerator: 1, denominator: 8 }) ? 9 : draw.int(3),
    // Faults and nofault are where the bounce fixes live: on in most configs.
    faults: draw.chance({ numerator: 2, denominator: 3 }),
    nofault: draw.chance(half),
    path: draw.pick(DIO_PATHS),
    vecsMax: draw.chance(half) ? 2 + draw.int(3) : 256,
  };
}

const CATALOGUE: { [K in ActorKind]: KindEntry<K> } = {
  stacking_driver: {
    build: (c) => stackingDriver(c.name, c),
    draw: (name, draw) => ({
      kind: 'stacking_driver',
      name,
      folios: 1 + draw.int(draw.chance(quarter) ? 40 : 6),
      orderMax: draw.int(3),
      limitSectors: 8 * (1 + draw.int(draw.chance(half) ? 2 : 32)),
      rounds: 1 + draw.int(3),
    }),
  },
  iter_user: {
    build: (c) => iterUser(c.name, c),
    draw: (name, draw) => ({
      kind: 'iter_user',
      name,
      rounds: 1 + draw.int(3),
      folios: 1 + draw.int(draw.chance(quarter) ? 24 : 6),
      orderMax: draw.int(3),
      slotsMax: 1 + draw.int(draw.chance(half) ? 3 : 29),
      emptyNodes: draw.chance(half),
      zeroSlots: draw.chance(half),
      opsMax: 1 + draw.int(draw.chance(quarter) ? 40 : 12),
      variant: draw.pick(VARIANTS),
    }),
  },
  bvecq_consumer: {
    build: (c) => bvecqConsumer(c.name, c),
    draw: (name, draw) => ({
      kind: 'bvecq_consumer',
      name,
      pages: 1 + draw.int(draw.chance(quarter) ? 48 : 12),
      orderMax: draw.int(3),
      nodeSlotsMax: 1 + draw.int(draw.chance(half) ? 4 : 29),
      sliceMax: 1 + draw.int(draw.chance(half) ? 8192 : 65536),
      sliceSlotsMax: 1 + draw.int(draw.chance(half) ? 2 : 16),
      inflightMax: 1 + draw.int(4),
      ownPages: !draw.chance(quarter),
    }),
  },
  netfs_reader: {
    build: (c, run) => netfsReader(c.name, c, run),
    draw: (name, draw) => ({
      kind: 'netfs_reader',
      name,
      folios: 1 + draw.int(draw.chance(quarter) ? 40 : 8),
      orderMax: draw.int(3),
      rounds: 1 + draw.int(3),
      rsize: draw.pick([4096, 6144, 16384, 65536, 1048576]),
      maxSegs: 1 + draw.int(draw.chance(half) ? 3 : 16),
      nodeSlots: 1 + draw.int(draw.chance(half) ? 3 : 29),
      eofShortMax: draw.chance(half) ? 0 : draw.int(3 * 4096),
      truncateMax: draw.chance(half) ? 0 : draw.int(2 * 4096),
      cached: draw.chance(half),
      sendErrors: draw.chance(quarter),
      // Off in the swarm: the hazards reach kernel behaviours the model reports on purpose
      // (docs/findings.md, test/regressions). Forced on for 600 netfs-only seeds, 192 runs
      // reported one: folio.collected_not_uptodate (mixed folio orders, both designs) and
      // bvecq.use_after_free (rolling chains of several nodes, REFERENCE §3 item 18).
      hazards: false,
    }),
  },
  dio_writer: {
    build: (c) => dioWriter(c.name, c),
    draw: (name, draw) => ({ kind: 'dio_writer', name, ...drawDio(draw), reserved: draw.chance(quarter) }),
  },
  dio_reader: {
    build: (c) => dioReader(c.name, c),
    draw: (name, draw) => ({ kind: 'dio_reader', name, ...drawDio(draw) }),
  },
  netfs_dio_writer: {
    build: (c, run) => netfsDioWriter(c.name, c, run),
    draw: (name, draw) => ({ kind: 'netfs_dio_writer', name, ...drawNetfsDioWriter(draw) }),
  },
  netfs_dio_reader: {
    build: (c, run) => netfsDioReader(c.name, c, run),
    draw: (name, draw) => ({ kind: 'netfs_dio_reader', name, ...drawNetfsDioReader(draw) }),
  },
  bvecq_buffer: {
    build: (c) => bvecqBuffer(c.name, c),
    draw: (name, draw) => ({ kind: 'bvecq_buffer', name, ...drawBvecqBuffer(draw) }),
  },
  netfs_writeback: {
    build: (c, run) => netfsWriteback(c.name, c, run),
    draw: (name, draw) => ({ kind: 'netfs_writeback', name, ...drawNetfsWriteback(draw) }),
  },
};

/** Kinds in a fixed order: the swarm draws walk it, so appending keeps old draws in place. */
export const ACTOR_KINDS: readonly ActorKind[] = ['stacking_driver', 'iter_user', 'bvecq_consumer', 'netfs_reader', 'dio_writer', 'dio_reader', 'netfs_dio_writer', 'netfs_dio_reader', 'bvecq_buffer', 'netfs_writeback'];

function buildOne(c: ActorConfig, run: NetfsRunContext): ActorSpec | readonly ActorSpec[] {
  switch (c.kind) {
    case 'stacking_driver':
      return CATALOGUE.stacking_driver.build(c, run);
    case 'iter_user':
      return CATALOGUE.iter_user.build(c, run);
    case 'bvecq_consumer':
      return CATALOGUE.bvecq_consumer.build(c, run);
    case 'netfs_reader':
      return CATALOGUE.netfs_reader.build(c, run);
    case 'dio_writer':
      return CATALOGUE.dio_writer.build(c, run);
    case 'dio_reader':
      return CATALOGUE.dio_reader.build(c, run);
    case 'netfs_dio_writer':
      return CATALOGUE.netfs_dio_writer.build(c, run);
    case 'netfs_dio_reader':
      return CATALOGUE.netfs_dio_reader.build(c, run);
    case 'bvecq_buffer':
      return CATALOGUE.bvecq_buffer.build(c, run);
    case 'netfs_writeback':
      return CATALOGUE.netfs_writeback.build(c, run);
    default:
      return assertNever(c);
  }
}

/** The actors of one config entry; `run` carries what a run shares (the netfs design, the server's files). */
export function buildActors(c: ActorConfig, run: NetfsRunContext): ActorSpec[] {
  const built = buildOne(c, run);
  return 'start' in built ? [built] : [...built];
}

function assertNever(x: never): never {
  throw new Error(`unknown actor kind ${JSON.stringify(x)}`);
}

export function drawActorConfig(kind: ActorKind, name: string, draw: Draw): ActorConfig {
  return CATALOGUE[kind].draw(name, draw);
}
