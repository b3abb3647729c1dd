// The DIO writer and reader: fixed-policy runs of one actor whose calls and bytes are checked by
// folding the trace through the model again (a read leaves disk bytes at the right user offsets,
// a bounce write fills its bounce folios with the user bytes in order), a property that clean
// runs give no finding, and the bounce and .bi_size mutants each found by a fixed seed.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createEngine, type BvsimEvent, type World } from '../../../core/index.ts';
import { readData, type DataPiece } from '../../../core/data.ts';
import { normalizePieces } from '../../../core/data_pieces.ts';
import { drawConfig, type ActorConfig, type SimConfig } from '../../../sim/index.ts';
import type { SeedRun } from '../../../fuzz/index.ts';
import { failures, runConfig, runKind } from './helpers.ts';

const none = { numerator: 0, denominator: 1 };
const shape = { rounds: 1, pagesMax: 4, orderMax: 2, faults: false, nofault: false, vecsMax: 256 } as const;

function quiet(actor: ActorConfig): SimConfig {
  return {
    actors: [actor],
    policy: { kind: 'fixed', order: [`actor:${actor.name}`, 'io'] },
    eventsMax: 400,
    drainMax: 5000,
    allocFailRate: none,
    device: { shortRate: none, errorRate: none, weight: 1 },
  };
}

const types = (r: SeedRun): string[] => r.result.steps.map((s) => s.event.type);

/** Folds the run's events through the model, calling `at` with the world after each one. */
function fold(r: SeedRun, at: (w: World, e: BvsimEvent, ret: unknown) => void): World {
  const engine = createEngine('mutable', { mutants: {} });
  for (const s of r.result.steps) at(engine.peek(), s.event, engine.step(s.event).ret);
  return engine.peek();
}

/** The labels of `len` bytes at physical page `pfn` + `offset`, page by page. */
function physData(w: World, pfn: number, offset: number, len: number): DataPiece[] {
  const out: DataPiece[] = [];
  for (let done = 0; done < len; ) {
    const at = offset + done;
    const page = pfn + Math.floor(at / 4096);
    const take = Math.min(len - done, 4096 - (at % 4096));
    const f = Object.values(w.folios).find((x) => !x.freed && page >= x.pfn && page < x.pfn + 2 ** x.order);
    out.push(...(f === undefined ? [{ len: take, src: null, off: 0 }] : readData(f.data, (page - f.pfn) * 4096 + (at % 4096), take)));
    done += take;
  }
  return normalizePieces(out);
}

describe('dio_reader (fixed policy, no faults, no device errors, seeds 1..8)', () => {
  const reader = (path: 'bounce' | 'pin'): SimConfig => quiet({ kind: 'dio_reader', name: 'r', ...shape, path });

  it('should map, set up a UBUF iterator and bounce, submit, unbounce and put each bio', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const t = types(runConfig(seed, reader('bounce')));
      expect(t.slice(0, 9)).toEqual(['sim.user_map', 'sim.user_fault', 'iov_iter_ubuf', 'bio_iov_bounce_nr_vecs', 'bio_alloc', 'bio_set_sector', 'bio_set_end_io', 'bio_iov_iter_bounce', 'submit_bio']);
      expect(t.filter((x) => x === 'bio_iov_iter_unbounce').length).toBe(t.filter((x) => x === 'submit_bio').length);
      expect(t.at(-1)).toBe('sim.quiesce');
    }
  });

  for (const path of ['bounce', 'pin'] as const) {
    it(`should leave the disk bytes at the user offsets read (${path})`, () => {
      for (let seed = 1; seed <= 8; seed++) {
        const r = runConfig(seed, reader(path));
        expect(failures([r])).toEqual([]);
        const ubuf = r.result.steps.find((s) => s.event.type === 'iov_iter_ubuf')?.event;
        const sector = r.result.steps.find((s) => s.event.type === 'bio_set_sector')?.event;
        if (ubuf?.type !== 'iov_iter_ubuf' || sector?.type !== 'bio_set_sector') throw new Error(`seed ${seed}: no I/O`);
        const w = fold(r, () => undefined);
        const filled = r.result.steps.some((s) => s.event.type === 'submit_bio');
        // Each user byte holds either what the disk had at its place in the file, or (past a
        // short I/O) what the user had there: never another byte.
        for (let k = 0; k < ubuf.len; k += 512) {
          const uoff = ubuf.start + k;
          const got = physData(w, w.user.pages[Math.floor(uoff / 4096)] ?? -1, uoff % 4096, 1)[0];
          const disk = { len: 1, src: 'disk', off: sector.sector * 512 + k };
          if (k === 0 && filled) expect(got, `seed ${seed}`).toEqual(disk);
          else expect([disk, { len: 1, src: 'user', off: uoff }], `seed ${seed} byte ${k}`).toContainEqual(got);
        }
      }
    });
  }
});

describe('dio_writer (fixed policy, bounce path, seeds 1..8)', () => {
  it('should fill each bounce bio with the user bytes the iterator covered, in order', () => {
    const writer = quiet({ kind: 'dio_writer', name: 'w', ...shape, path: 'bounce', reserved: false });
    for (let seed = 1; seed <= 8; seed++) {
      const r = runConfig(seed, writer);
      expect(failures([r])).toEqual([]);
      let checked = 0;
      fold(r, (w, e) => {
        if (e.type !== 'submit_bio') return;
        const b = w.bios[e.bio];
        const it = Object.values(w.iters).find((x) => x.iter_type === 'ITER_UBUF');
        if (b === undefined || it === undefined) throw new Error('no bio or iterator');
        const end = (it.ubuf ?? 0) + it.iov_offset;
        const got = normalizePieces(b.vecs.flatMap((v) => physData(w, v.page ?? -1, v.offset, v.len)));
        expect(got, `seed ${seed} bio ${e.bio}`).toEqual([{ len: b.bi_size, src: 'user', off: end - b.bi_size }]);
        checked++;
      });
      expect(checked).toBeGreaterThan(0);
    }
  });

  it('should write a reserved region in chunks that stop short of BIO_MAX_SIZE', () => {
    const reserved = quiet({ kind: 'dio_writer', name: 'w', ...shape, rounds: 3, path: 'bounce', reserved: true });
    const adds = [1, 2, 3, 4, 5, 6].flatMap((seed) => runConfig(seed, reserved).result.steps.filter((s) => s.event.type === 'bio_add_page'));
    expect(adds.map((s) => s.outcome.ret)).toContain(0);
  });
});

describe('dio actors on the clean model', () => {
  test.prop([fc.integer({ min: 1, max: 2 ** 32 - 1 }), fc.constantFrom('dio_writer' as const, 'dio_reader' as const)], { numRuns: 60, seed: 20260705 })(
    'should give no finding and always quiesce',
    (seed, kind) => {
      expect(failures([runKind(seed, kind)])).toEqual([]);
    },
  );

  it('should draw configs the explicit config schema accepts (via the swarm)', () => {
    const kinds = new Set([1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => drawConfig(seed, { kinds: ['dio_writer', 'dio_reader'] }).actors.map((a) => a.kind)));
    expect([...kinds].sort((a, b) => (a < b ? -1 : 1))).toEqual(['dio_reader', 'dio_writer']);
  });
});

// Seeds from `npm run bench -- --only mutants`-style sweeps over configs of one kind; the clean
// run of each gives no finding, so the finding is the mutant's.
describe.each([
  { mutant: 'bounce_read_folio_leak', kind: 'dio_reader', seed: 3, finding: 'invariant folio.leak' },
  { mutant: 'bounce_write_no_revert', kind: 'dio_writer', seed: 4, finding: 'invariant bounce.copy_short_not_reverted' },
  { mutant: 'bounce_write_ignores_nofault', kind: 'dio_writer', seed: 10, finding: 'invariant bounce.fault_under_nofault' },
  { mutant: 'bio_size_overflow', kind: 'dio_writer', seed: 6, finding: 'invariant bio.size_overflow' },
] as const)('$kind against mutant $mutant (seed $seed)', ({ mutant, kind, seed, finding }) => {
  it(`should report ${finding}, and nothing on the clean model`, () => {
    const f = runKind(seed, kind, [mutant]).result.findings[0];
    expect(f === undefined ? null : `${f.kind} ${f.id}`).toBe(finding);
    expect(failures([runKind(seed, kind)])).toEqual([]);
  });
});
