// Architecture: every import edge under core/ sim/ traces/ fuzz/ tools/ against STYLE §2.1,
// banned APIs in the pure folders, leftover markers, and file sizes. Made-up files prove each rule bites.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bannedApiViolations, importViolations, markerViolations, SOURCE_DIRS, sizeViolations } from './rules.ts';

const ROOT = join(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const sources = SOURCE_DIRS.flatMap(tsFiles).map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
const tests = tsFiles('test').map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));

describe('the source tree', () => {
  it('should have sources to check', () => {
    expect(sources.map((s) => s.path)).toContain('core/index.ts');
  });

  it('should only have import edges the layering allows', () => {
    expect(sources.flatMap((s) => importViolations(s.path, s.text))).toEqual([]);
  });

  it('should use no nondeterministic or world-touching API outside tools/', () => {
    expect(sources.flatMap((s) => bannedApiViolations(s.path, s.text))).toEqual([]);
  });

  it('should leave no unfinished-work markers in sources or tests', () => {
    expect([...sources, ...tests].flatMap((s) => markerViolations(s.path, s.text))).toEqual([]);
  });

  it(`should keep every source file within the size limit`, () => {
    expect(sources.flatMap((s) => sizeViolations(s.path, s.text))).toEqual([]);
  });
});

describe('importViolations', () => {
  it.each([
    ['core/a.ts', "import { z } from 'zod';", 1],
    ['core/a.ts', "import { produce } from 'immer';\nimport type { X } from './b.ts';", 0],
    ['core/a.ts', "import { x } from '../traces/index.ts';", 1],
    ['core/a.ts', "import { readFileSync } from 'node:fs';", 1],
    ['sim/run.ts', "import { createEngine } from '../core/index.ts';", 0],
    ['sim/run.ts', "import { folio_put } from '../core/folio.ts';", 1],
    ['sim/run.ts', "import prand from 'pure-rand';", 1],
    ['sim/prng.ts', "import prand from 'pure-rand';", 0],
    ['sim/run.ts', "import { decodeTrace } from '../traces/index.ts';", 1],
    ['traces/schema/x.ts', "import type { E } from '../../core/index.ts';\nimport { z } from 'zod';", 0],
    ['traces/replay.ts', "import type { Wrap } from '../core/kernel_int.ts';", 1],
    ['traces/a.ts', "import { Command } from 'commander';", 1],
    ['traces/a.ts', "const m = await import('../tools/io.ts');", 1],
    ['fuzz/a.ts', "import { fc } from 'fast-check';\nimport { run } from '../sim/index.ts';\nexport * from '../traces/index.ts';", 0],
    ['fuzz/a.ts', "import { x } from '../tools/main.ts';", 1],
    ['tools/a.ts', "import { x } from '../core/folio.ts';\nimport { y } from 'node:fs';", 0],
  ])('should judge %s with %j as %i violation(s)', (path, text, n) => {
    expect(importViolations(path, text)).toHaveLength(n);
  });
});

describe('bannedApiViolations', () => {
  it.each([
    ['const r = Math.random();', 1],
    ['const t = Date.now();', 1],
    ['const d = new Date();', 1],
    ['console.log(1);', 1],
    ['if (process.env.X) {}', 1],
    ['setTimeout(() => 0, 1);', 1],
    ['for (const k in obj) {}', 1],
    ['xs.sort();', 1],
    ['xs.sort((a, b) => a - b);', 0],
    ['const o = { process: 1, console: 2 }; o.process = o.console;', 0],
    ['interface W { performance: number }', 0],
    ['for (const k of Object.keys(obj)) {}', 0],
  ])('should find in %j %i violation(s)', (text, n) => {
    expect(bannedApiViolations('core/x.ts', text)).toHaveLength(n);
    expect(bannedApiViolations('tools/x.ts', text)).toHaveLength(0);
  });
});

describe('markerViolations and sizeViolations', () => {
  it('should flag each marker word and not words that merely contain it', () => {
    const text = ['// TO' + 'DO: later', '// FIX' + 'ME', '// X' + 'XX', '// TODOS and FIXMEs are words too'].join('\n');
    expect(markerViolations('core/a.ts', text).map((v) => v.split(':')[1])).toEqual(['1', '2', '3']);
  });

  it('should allow 400 lines and refuse 401', () => {
    expect(sizeViolations('core/a.ts', 'x\n'.repeat(400))).toEqual([]);
    expect(sizeViolations('core/a.ts', 'x\n'.repeat(401))).toHaveLength(1);
  });
});
