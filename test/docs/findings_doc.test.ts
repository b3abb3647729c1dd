// Every finding id the sources can report must be listed in docs/findings.md: ids are a
// published contract (traces and finding file names use them). Scans the sources for literal ids.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['core', 'sim', 'fuzz'];
/** Ids built from a template: `${kind}.use_after_free` over the kinds lookupLive is called with. */
const TEMPLATED = ['bio.use_after_free', 'bvecq.use_after_free', 'folio.use_after_free', 'io.use_after_free'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function reportedIds(): string[] {
  const ids = new Set<string>(TEMPLATED);
  const call = /\.(?:warn|bug|invariant)\(\s*'([a-z_0-9]+\.[a-z_0-9.]+)'/g;
  const finding = /id: '([a-z_0-9]+\.[a-z_0-9.]+)'/g;
  for (const file of ROOTS.flatMap(sources)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(call)) ids.add(m[1] ?? '');
    for (const m of text.matchAll(finding)) ids.add(m[1] ?? '');
  }
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('docs/findings.md', () => {
  const doc = readFileSync('docs/findings.md', 'utf8');

  it('should list every finding id the sources report', () => {
    const missing = reportedIds().filter((id) => !doc.includes(`\`${id}\``));
    expect(missing, 'add these ids to docs/findings.md').toEqual([]);
  });

  it('should find a realistic number of ids (the scan itself works)', () => {
    expect(reportedIds().length).toBeGreaterThan(60);
  });
});
