// docs/events.md must be what tools/gen_docs.ts renders from eventSpecs now, and each example
// it shows must decode through the real decoder to the registered example event.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTrace, eventSpecs } from '../../traces/index.ts';
import { describeType, renderEventsDoc } from '../../tools/events_doc.ts';
import { HEADER, lines } from './fixtures.ts';

const DOC = join(import.meta.dirname, '../../docs/events.md');

function examplesIn(doc: string): { type: string; json: string }[] {
  const out: { type: string; json: string }[] = [];
  for (const m of doc.matchAll(/^## `([^`]+)`\n[\s\S]*?```json\n(.*)\n```$/gm)) out.push({ type: m[1] ?? '', json: m[2] ?? '' });
  return out;
}

describe('docs/events.md', () => {
  const doc = readFileSync(DOC, 'utf8');

  it('should match what the generator renders now', () => {
    const fresh = renderEventsDoc();
    expect(doc === fresh, 'docs/events.md is stale: run `npm run docs`').toBe(true);
  });

  it('should show one example per registered event type', () => {
    expect(examplesIn(doc).map((e) => e.type)).toEqual(Object.keys(eventSpecs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('should show examples that decode through the real decoder', () => {
    for (const { type, json } of examplesIn(doc)) {
      const r = decodeTrace(lines(HEADER, `{"i":0,"event":${json}}`));
      expect(r.ok ? r.value.steps[0]?.event : r.error, type).toEqual(eventSpecs[type as keyof typeof eventSpecs].example);
    }
  });
});

describe('describeType', () => {
  it.each([
    [{ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, 'integer ≥ 0'],
    [{ type: 'integer', minimum: 0, maximum: 65535 }, 'integer 0..65535'],
    [{ anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] }, 'integer ≥ 0 or null'],
    [{ type: 'string', enum: ['A', 'B'] }, '"A" \\| "B"'],
    [{ type: 'array', prefixItems: [{ type: 'boolean' }, { type: 'string' }] }, '[boolean, string]'],
    [{ type: 'array', items: { type: 'object', properties: { page: { type: 'null' }, len: { type: 'boolean' } }, required: ['page'] } }, 'array of {page: null, len?: boolean}'],
    [{ type: 'string', maxLength: 9 }, 'string (≤ 9 chars)'],
    [{}, 'any'],
  ])('should describe %j as %s', (schema, text) => {
    expect(describeType(schema)).toBe(text);
  });
});
