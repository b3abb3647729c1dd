// The simulated block device: submit_bio and sim.device_complete whole, short and failed,
// the data a READ delivers into folios, and the malformed and use-after-free cases.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';

function run(events: BvsimEvent[]) {
  const engine = createEngine('immutable', DEFAULT_OPTIONS);
  const outs = events.map((e) => engine.step(e));
  const ids = outs.map((o) => o.findings.map((f) => `${f.kind}.${f.id}`));
  return { outs, ids, state: engine.snapshot() };
}

/** A READ bio at sector 8 over 6 KiB of folio 1 (PFNs 64..65) from byte 1024, with a recorder. */
const readBio: BvsimEvent[] = [
  { type: 'folio_alloc', folio: 1, order: 1, pfn: 64, fail: false },
  { type: 'bio_alloc', bio: 0, nr_vecs: 1, opf: 0, max_vecs: 1, fail: false },
  { type: 'bio_add_folio', bio: 0, folio: 1, len: 6144, offset: 1024 },
  { type: 'bio_set_sector', bio: 0, sector: 8 },
  { type: 'bio_set_end_io', bio: 0, end_io: 'record' },
  { type: 'submit_bio', bio: 0, io: 0 },
];
const complete = (bytes: number, error = 0): BvsimEvent => ({ type: 'sim.device_complete', io: 0, bytes, error });

describe('sim.device_complete', () => {
  it('should end the bio once the whole transfer is done and label the bytes read', () => {
    const { state, ids } = run([...readBio, complete(6144)]);
    expect(ids.flat()).toEqual([]);
    expect(state.bios[0]?.end_io_calls).toEqual([0]);
    expect(state.ios[0]?.freed).toBe(true);
    expect(state.folios[1]?.data).toEqual([{ at: 1024, len: 6144, src: 'disk', off: 4096 }]);
  });

  it('should leave a short transfer in flight, advanced, and end it with the rest', () => {
    const { state } = run([...readBio, complete(2048)]);
    expect(state.bios[0]).toMatchObject({ bi_sector: 12, bi_size: 4096, bi_bvec_done: 2048, end_io_calls: [] });
    expect(state.ios[0]?.freed).toBe(false);
    expect(state.folios[1]?.data).toEqual([{ at: 1024, len: 2048, src: 'disk', off: 4096 }]);
    const rest = run([...readBio, complete(2048), complete(4096)]);
    expect(rest.state.bios[0]?.end_io_calls).toEqual([0]);
    expect(rest.state.folios[1]?.data).toEqual([{ at: 1024, len: 6144, src: 'disk', off: 4096 }]);
  });

  it('should end the bio at once with the device error', () => {
    const { state } = run([...readBio, complete(1024, 10)]);
    expect(state.bios[0]).toMatchObject({ status: 10, end_io_calls: [10], bi_size: 5120 });
    expect(state.ios[0]?.freed).toBe(true);
  });

  it('should leave memory alone for a WRITE', () => {
    const write = readBio.map((e) => (e.type === 'bio_alloc' ? { ...e, opf: 1 } : e));
    const { state } = run([...write, complete(6144)]);
    expect(state.folios[1]?.data).toEqual([]);
  });

  it('should reject a transfer longer than what is left', () => {
    const { outs } = run([...readBio, complete(6145)]);
    expect(outs[6]?.rejection?.field).toBe('bytes');
  });

  it('should report completing a finished io as a use after free', () => {
    const { ids } = run([...readBio, complete(6144), complete(0)]);
    expect(ids[7]).toEqual(['bug.io.use_after_free']);
  });

  it('should report completing an io whose bio was freed', () => {
    const { ids } = run([...readBio, { type: 'bio_put', bio: 0 }, complete(6144)]);
    expect(ids[7]).toEqual(['bug.bio.use_after_free']);
  });
});

describe('submit_bio', () => {
  it('should report a bio submitted while still in flight', () => {
    const { ids } = run([...readBio, { type: 'submit_bio', bio: 0, io: 1 }]);
    expect(ids[6]).toEqual(['invariant.submit_bio.in_flight']);
  });
});
