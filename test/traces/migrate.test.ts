// Migrations: a real version-1 trace read through a test-only v1->v2 migration comes out in
// the v2 shape, and a version with no migration path is a clear error naming the version.
import { describe, expect, it } from 'vitest';
import { decodeTrace, encodeTrace, migrateLines, recordTrace, type Migration } from '../../traces/index.ts';

/** A made-up v2 that moved `model` into `config.model_digest` and tags every note. */
const v1ToV2: Migration = {
  from: 1,
  describe: 'model digest moves into config; notes are tagged',
  migrate: ([header, ...rest]) => {
    const h = header as { model: string | null; config: Record<string, unknown> };
    const steps = rest.map((l) => {
      const s = l as { event?: { type: string; text?: string } };
      if (s.event?.type !== 'sim.note') return l;
      return { ...s, event: { ...s.event, text: `[v1] ${s.event.text ?? ''}` } };
    });
    return [{ ...h, model: null, config: { ...h.config, model_digest: h.model } }, ...steps];
  },
};

function v1Trace(): string {
  const r = recordTrace(
    [
      { type: 'folio_alloc', folio: 1, order: 0, pfn: 8, fail: false },
      { type: 'sim.note', text: 'hello' },
      { type: 'folio_put', folio: 1 },
    ],
    { model: 'abcd', seed: '7', config: { actors: 2 } },
  );
  if (!r.ok) throw new Error(r.error.message);
  return encodeTrace(r.trace);
}

describe('migrateLines', () => {
  it('should restamp the header version after each step', () => {
    const v2ToV3: Migration = { from: 2, describe: 'nothing', migrate: (ls) => [...ls] };
    const r = migrateLines([{ version: 1 }, { i: 0 }], 1, [v1ToV2, v2ToV3], 3);
    expect('lines' in r && r.lines[0]).toMatchObject({ version: 3 });
  });

  it('should name the missing step', () => {
    expect(migrateLines([{ version: 1 }], 1, [], 2)).toEqual({ error: 'trace version 1 cannot be read: no migration from version 1 to 2' });
  });
});

describe('decodeTrace with migrations', () => {
  it('should read a real v1 trace as the v2 shape', () => {
    const text = v1Trace();
    expect(text.split('\n')[0]).toContain('"version":1');
    const r = decodeTrace(text, { migrations: [v1ToV2], version: 2 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.header).toEqual({ format: 'bvsim-trace', version: 2, model: null, seed: '7', config: { actors: 2, model_digest: 'abcd' } });
    expect(r.value.steps[1]?.event).toEqual({ type: 'sim.note', text: '[v1] hello' });
    expect(r.value.steps.map((s) => s.ret)).toEqual([true, null, null]);
  });

  it('should read a v2 trace without migrating it', () => {
    const text = v1Trace().replace('"version":1', '"version":2');
    const r = decodeTrace(text, { migrations: [v1ToV2], version: 2 });
    expect(r.ok && r.value.header.model).toBe('abcd');
  });

  it('should give a clear error when no migration path exists', () => {
    const r = decodeTrace(v1Trace(), { migrations: [], version: 2 });
    expect(!r.ok && r.error).toEqual({ line: 1, field: 'version', message: 'trace version 1 cannot be read: no migration from version 1 to 2' });
  });

  it('should still refuse a version newer than the reader', () => {
    const r = decodeTrace(v1Trace().replace('"version":1', '"version":3'), { migrations: [v1ToV2], version: 2 });
    expect(!r.ok && r.error.message).toBe('trace version 3 is newer than this bvsim reads (2)');
  });

  it('should check the migrated lines against the schemas', () => {
    const breaks: Migration = { from: 1, describe: 'adds a field v2 does not have', migrate: (ls) => ls.map((l, k) => (k === 1 ? { ...(l as object), extra: 1 } : l)) };
    const r = decodeTrace(v1Trace(), { migrations: [breaks], version: 2 });
    expect(!r.ok && r.error).toEqual({ line: 2, field: 'extra', message: 'unknown field' });
  });
});
