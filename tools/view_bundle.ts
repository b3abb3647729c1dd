/**
 * Bundles the viewer page (traces/view/page/main.ts with the model it re-runs) into one
 * IIFE string with esbuild, so `bvsim view` can inline it: the HTML needs no network and
 * the page runs exactly the reducers this checkout replays with.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const ENTRY = fileURLToPath(new URL('../traces/view/page/main.ts', import.meta.url));

let cached: string | null = null;

export function viewerScript(): string {
  if (cached !== null) return cached;
  const out = buildSync({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const file = out.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no output for the viewer page');
  cached = file.text;
  return cached;
}

export function sha256Base64(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}
