// The layering and hygiene rules of STYLE §2.1 and §2.12 as pure functions of (path, text),
// so the arch test can run them on the tree and on small made-up files that must fail.
import ts from 'typescript';
import { posix } from 'node:path';

export const SOURCE_DIRS = ['core', 'sim', 'traces', 'fuzz', 'tools'] as const;
type Dir = (typeof SOURCE_DIRS)[number];

export const MAX_FILE_LINES = 400;

/** Which other folders each folder may import, always through that folder's index.ts. */
const FOLDERS: Record<Dir, readonly Dir[] | 'any'> = {
  core: [],
  sim: ['core'],
  traces: ['core'],
  fuzz: ['sim', 'traces', 'core'],
  tools: 'any',
};

/** Which packages each folder may import; `only` pins a package to one file. */
const PACKAGES: Record<Dir, readonly { name: string; only?: string }[] | 'any'> = {
  core: [{ name: 'immer' }],
  sim: [{ name: 'pure-rand', only: 'sim/prng.ts' }],
  traces: [{ name: 'zod' }],
  // zod: the generic event generator reads the trace schemas' shapes.
  fuzz: [{ name: 'fast-check' }, { name: 'zod' }],
  tools: 'any',
};

const dirOf = (path: string): Dir | null => SOURCE_DIRS.find((d) => path.startsWith(`${d}/`)) ?? null;

export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The import edges of one file (a path relative to the repository root) that break the table. */
export function importViolations(path: string, text: string): string[] {
  const from = dirOf(path);
  if (from === null) return [];
  return importsOf(text).flatMap((spec) => {
    const why = spec.startsWith('.') ? relativeProblem(path, from, spec) : packageProblem(path, from, spec);
    return why === null ? [] : [`${path} imports '${spec}': ${why}`];
  });
}

function relativeProblem(path: string, from: Dir, spec: string): string | null {
  const target = posix.normalize(posix.join(posix.dirname(path), spec));
  const to = dirOf(target);
  if (to === from) return null;
  const allowed = FOLDERS[from];
  if (allowed === 'any') return null;
  if (to === null || !allowed.includes(to)) return `${from}/ may not depend on ${to ?? target}`;
  return target === `${to}/index.ts` ? null : `other folders are imported through ${to}/index.ts`;
}

function packageProblem(path: string, from: Dir, spec: string): string | null {
  const allowed = PACKAGES[from];
  if (allowed === 'any') return null;
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
  const rule = allowed.find((p) => p.name === name);
  if (rule === undefined) return `${from}/ may not use ${name}`;
  if (rule.only !== undefined && rule.only !== path) return `${name} lives in ${rule.only} only`;
  return null;
}

const BANNED_GLOBALS = new Set(['Date', 'performance', 'setTimeout', 'setInterval', 'console', 'process']);

/** Nondeterministic or world-touching APIs in a folder that must stay pure and replayable. */
export function bannedApiViolations(path: string, text: string): string[] {
  const dir = dirOf(path);
  if (dir === null || dir === 'tools') return [];
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const at = (n: ts.Node): string => `${path}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
  const visit = (n: ts.Node): void => {
    const what = bannedAt(n);
    if (what !== null) out.push(`${at(n)}: ${what}`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function bannedAt(n: ts.Node): string | null {
  if (ts.isForInStatement(n)) return 'for…in (order depends on history)';
  if (ts.isPropertyAccessExpression(n) && n.expression.getText() === 'Math' && n.name.text === 'random') return 'Math.random';
  if (ts.isCallExpression(n) && n.arguments.length === 0 && ts.isPropertyAccessExpression(n.expression)) {
    const name = n.expression.name.text;
    if (name === 'sort' || name === 'toSorted') return `.${name}() with no comparator`;
  }
  if (ts.isIdentifier(n) && BANNED_GLOBALS.has(n.text) && isReference(n)) return n.text;
  return null;
}

/** True when an identifier names a value in scope, not a property, key or declaration. */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p)) && p.name === id) return false;
  if (ts.isQualifiedName(p) && p.right === id) return false;
  return true;
}

const MARKERS = new RegExp(`\\b(${['TO', 'DO'].join('')}|${['FIX', 'ME'].join('')}|${'X'.repeat(3)})\\b`);

export function markerViolations(path: string, text: string): string[] {
  return text.split('\n').flatMap((l, k) => (MARKERS.test(l) ? [`${path}:${k + 1}: ${l.trim()}`] : []));
}

export function sizeViolations(path: string, text: string): string[] {
  const n = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  return n > MAX_FILE_LINES ? [`${path}: ${n} lines, more than ${MAX_FILE_LINES}`] : [];
}
