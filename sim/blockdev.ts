/**
 * The simulated block device: every in-flight io in the world's `ios` table is a completion
 * proposal. When the scheduler picks one, the device decides — from the devices stream — to
 * complete it whole, short (a sector-aligned prefix, the rest stays in flight), or with an
 * I/O error. While draining it only completes whole and never fails.
 */
import type { BvsimEvent, World } from '../core/index.ts';
import type { Draw } from './choices.ts';
import type { Device } from './devices.ts';
import { keepInto, type LiveIds } from './live_ids.ts';
import type { Ratio } from './prng.ts';

export interface BlockDeviceParams {
  readonly shortRate: Ratio;
  readonly errorRate: Ratio;
}

const BLK_STS_IOERR = 10;

/** Whether io `id` has been submitted (a live id may be issued and not yet used). */
const submitted = (w: World, id: number): boolean => w.ios[id] !== undefined;

/** `live`: the run's ios not yet freed. */
export function blockDevice(p: BlockDeviceParams, live: LiveIds): Device {
  const inflight: number[] = [];
  return {
    name: 'disk',
    keyPrefix: '',
    inflight: (world: World) => keepInto(inflight, world, live(world), submitted),
    complete: (world, io, draw, draining) => completion(io, world.bios[world.ios[io]?.bio ?? -1]?.bi_size ?? 0, draw, draining, p),
  };
}

function completion(io: number, left: number, draw: Draw, draining: boolean, p: BlockDeviceParams): BvsimEvent {
  if (!draining && draw.chance(p.errorRate)) {
    return { type: 'sim.device_complete', io, bytes: Math.floor(draw.int(left + 1) / 512) * 512, error: BLK_STS_IOERR };
  }
  if (!draining && left > 512 && draw.chance(p.shortRate)) {
    const sectors = Math.floor(left / 512);
    return { type: 'sim.device_complete', io, bytes: (1 + draw.int(sectors - 1)) * 512, error: 0 };
  }
  return { type: 'sim.device_complete', io, bytes: left, error: 0 };
}
