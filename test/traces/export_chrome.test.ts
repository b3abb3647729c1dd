// The Chrome trace-event export: a thread per lane, a slice per step, an async slice and a
// flow per device operation from submit to the completion that ends it, counter tracks for
// refs and counts, findings as instants; and its JSON text, refused or split past a size.
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, type BvsimEvent } from '../../core/index.ts';
import { buildChromeExport, decodeTrace, serializeChrome, utf8Length, type ChromeEvent, type DecodedTrace } from '../../traces/index.ts';
import { DEVICE_BY, DEVICE_EVENTS, longEvents, recordedText } from './view_fixtures.ts';

function decoded(text: string): DecodedTrace {
  const d = decodeTrace(text);
  if (!d.ok) throw new Error(d.error.message);
  return d.value;
}

const device = buildChromeExport(decoded(recordedText(DEVICE_EVENTS, { by: DEVICE_BY })), { title: 'dev', model: DEFAULT_OPTIONS });
const of = (ph: ChromeEvent['ph'], cat?: string): ChromeEvent[] => device.events.filter((e) => e.ph === ph && (cat === undefined || e.cat === cat));

describe('buildChromeExport', () => {
  it('should name a thread per lane and a process for threads and counters', () => {
    const names = device.metadata.filter((e) => e.name === 'thread_name').map((e) => [e.tid, e.args?.['name']]);
    expect(names).toEqual([[1, 'actor:fs'], [2, 'actor:split'], [3, 'device:blkdev']]);
    expect(device.metadata.filter((e) => e.name === 'process_name').map((e) => e.pid)).toEqual([1, 2]);
  });

  it('should give each step a one-microsecond slice on its lane at its index', () => {
    const xs = of('X');
    expect(xs).toHaveLength(DEVICE_EVENTS.length);
    expect(xs.map((e) => [e.ts, e.dur, e.tid])).toEqual(DEVICE_BY.map((by, i) => [i, 1, by.startsWith('io:') ? 3 : by === 'actor:fs' ? 1 : 2]));
    expect(xs[4]?.args).toMatchObject({ event: { type: 'bio_split' }, ret: 0, by: 'actor:split' });
  });

  it('should open an async slice per submit and close it at the completion that finishes it', () => {
    const spans = (ph: 'b' | 'e' | 'n'): string[] => of(ph, 'io').map((e) => `${e.id ?? ''}@${e.ts}`);
    expect(spans('b')).toEqual(['1@6', '2@7']);
    expect(spans('n')).toEqual(['2@8']);
    expect(spans('e')).toEqual(['1@10', '2@11']);
    for (const e of of('e', 'io')) expect(e.name).toBe(of('b', 'io').find((b) => b.id === e.id)?.name);
  });

  it('should draw a flow from the submitting actor to the completion on the device', () => {
    expect(of('s').map((e) => [e.id, e.ts, e.tid])).toEqual([[1, 6, 2], [2, 7, 2]]);
    expect(of('f').map((e) => [e.id, e.ts, e.tid, e.bp])).toEqual([[1, 9, 3, 'e'], [2, 10, 3, 'e']]);
  });

  it('should sample counters only when they change', () => {
    const samples = of('C').map((e) => `${e.ts} ${e.name} ${JSON.stringify(e.args)}`);
    expect(samples).toContain('0 folio 1 {"refcount":1,"pincount":0}');
    expect(samples).toContain('5 bio 1 {"remaining":2,"cnt":1}');
    expect(samples).toContain('10 bio 1 {"remaining":0,"cnt":1}');
    expect(samples.filter((s) => s.includes(' folio 1 '))).toHaveLength(2);
    expect(of('C').every((e) => e.pid === 2)).toBe(true);
  });

  it('should mark findings as instant events at their step', () => {
    const events: BvsimEvent[] = [
      { type: 'folio_alloc', folio: 1, order: 0, pfn: 8, fail: false },
      { type: 'folio_put', folio: 1 },
      { type: 'folio_put', folio: 1 },
    ];
    const x = buildChromeExport(decoded(recordedText(events)), { title: 't', model: DEFAULT_OPTIONS });
    expect(x.events.filter((e) => e.ph === 'i').map((e) => [e.ts, e.name, e.s])).toEqual([[2, 'bug folio.put_underflow', 'g']]);
  });

  it('should end an operation still in flight at the end of the trace', () => {
    const x = buildChromeExport(decoded(recordedText(DEVICE_EVENTS.slice(0, 9))), { title: 't', model: DEFAULT_OPTIONS });
    expect(x.events.filter((e) => e.ph === 'e').map((e) => [e.id, e.ts, e.args?.['unfinished']])).toEqual([[1, 9, true], [2, 9, true]]);
  });
});

describe('serializeChrome', () => {
  const otherData = { trace: 't' };

  it('should write one JSON object whose traceEvents hold the metadata and the events', () => {
    const r = serializeChrome(device, { bytesMax: 1e8, split: false, otherData });
    if (!r.ok) throw new Error('refused');
    const parsed = JSON.parse(r.files[0] ?? '') as { traceEvents: ChromeEvent[]; otherData: unknown };
    expect(parsed.traceEvents).toHaveLength(device.metadata.length + device.events.length);
    expect(parsed.otherData).toEqual(otherData);
    expect(utf8Length(r.files[0] ?? '')).toBe(Buffer.byteLength(r.files[0] ?? ''));
  });

  it('should refuse output past the limit and say how big it would be', () => {
    const full = serializeChrome(device, { bytesMax: 1e8, split: false, otherData });
    const size = full.ok ? utf8Length(full.files[0] ?? '') : 0;
    expect(serializeChrome(device, { bytesMax: size, split: false, otherData }).ok).toBe(true);
    expect(serializeChrome(device, { bytesMax: size - 1, split: false, otherData })).toEqual({ ok: false, bytes: size, reason: 'too large' });
  });

  it('should split into parts under the limit, each with the names and balanced async slices', () => {
    // The device events again with a folio the long trace does not use.
    const moved = DEVICE_EVENTS.map((e) => JSON.parse(JSON.stringify(e).replace('"folio":1', '"folio":100').replace('"pfn":64', '"pfn":256')) as BvsimEvent);
    const long = buildChromeExport(decoded(recordedText([...longEvents(40), ...moved])), { title: 't', model: DEFAULT_OPTIONS });
    const r = serializeChrome(long, { bytesMax: 20_000, split: true, otherData });
    if (!r.ok) throw new Error('refused');
    expect(r.files.length).toBeGreaterThan(3);
    let events = 0;
    for (const [k, text] of r.files.entries()) {
      expect(utf8Length(text)).toBeLessThanOrEqual(20_000);
      const part = JSON.parse(text) as { traceEvents: ChromeEvent[]; otherData: { part: number } };
      expect(part.otherData.part).toBe(k + 1);
      expect(part.traceEvents.filter((e) => e.name === 'thread_name')).toHaveLength(long.metadata.filter((e) => e.name === 'thread_name').length);
      const opened = part.traceEvents.filter((e) => e.ph === 'b').map((e) => e.id);
      const closed = part.traceEvents.filter((e) => e.ph === 'e').map((e) => e.id);
      const byId = (a?: number, b?: number): number => (a ?? 0) - (b ?? 0);
      expect(closed.sort(byId)).toEqual(opened.sort(byId));
      events += part.traceEvents.filter((e) => e.ph !== 'M' && e.args?.['continued'] !== true).length;
    }
    expect(events).toBe(long.events.length);
  });

  it('should end an operation at a cut and begin it again, continued, in the next part', () => {
    const slices: ChromeEvent[] = Array.from({ length: 60 }, (_, k) => ({ name: 'x', ph: 'X', ts: k + 1, dur: 1, pid: 1, tid: 1 }));
    const b: ChromeEvent = { name: 'io 1', cat: 'io', ph: 'b', id: 1, ts: 0, pid: 1, tid: 2 };
    const x = { metadata: [], events: [b, ...slices, { ...b, ph: 'e' as const, ts: 61 }], error: null };
    const r = serializeChrome(x, { bytesMax: 1500, split: true, otherData });
    if (!r.ok) throw new Error('refused');
    const parts = r.files.map((t) => (JSON.parse(t) as { traceEvents: ChromeEvent[] }).traceEvents);
    expect(parts.length).toBeGreaterThan(2);
    for (const [k, evs] of parts.entries()) {
      expect(evs.filter((e) => e.ph === 'b')).toHaveLength(1);
      expect(evs.filter((e) => e.ph === 'e')).toHaveLength(1);
      expect(evs.some((e) => e.args?.['continued'] === true)).toBe(true);
      expect(evs.find((e) => e.ph === 'b')?.ts).toBe(k === 0 ? 0 : evs.find((e) => e.ph === 'X')?.ts);
    }
  });

  it('should refuse a split when one event alone is larger than a part', () => {
    expect(serializeChrome(device, { bytesMax: 300, split: true, otherData })).toMatchObject({ ok: false, reason: 'event larger than a part' });
  });
});
