/**
 * The baseline table: its cells (a mutant under one fast-check seed) each run on a worker
 * thread, `parallel` at a time. A cell is one single-threaded fast-check search of up to the
 * budget plus its shrinking, so on two cores two cells run at full speed and the table takes
 * half the time; a mutant's row prints, in the table's order, once all its seeds are in.
 */
import { Worker } from 'node:worker_threads';
import { baselineHeading, formatSummary, summarize, type BaselineBudget, type BaselineRow, type BaselineSummary, type BaselineTableOptions } from './baseline_commands.ts';

export interface BaselineCell {
  readonly mutant: string;
  readonly seed: number;
  readonly budget: BaselineBudget;
  readonly shrinkMs: number;
  readonly rule: NonNullable<BaselineTableOptions['rule']>;
}

export async function baselineTable(opts: BaselineTableOptions & { readonly parallel: number }, print: (line: string) => void): Promise<BaselineSummary[]> {
  for (const line of baselineHeading(opts)) print(line);
  const shrinkMs = opts.shrinkMs ?? opts.budgetMs;
  const rule = opts.rule ?? 'halt';
  const cells: BaselineCell[] = opts.mutants.flatMap((mutant) => opts.seeds.map((seed) => ({ mutant, seed, budget: opts.budgetMs, shrinkMs, rule })));
  const rows: (BaselineRow | undefined)[] = cells.map(() => undefined);
  const out: BaselineSummary[] = [];
  let printed = 0;
  // Rows go out in order: a mutant whose seeds are all in waits for the ones before it.
  const flush = (): void => {
    for (; printed < opts.mutants.length; printed++) {
      const mine = rows.slice(printed * opts.seeds.length, (printed + 1) * opts.seeds.length);
      if (mine.some((r) => r === undefined)) return;
      const s = summarize(opts.mutants[printed] ?? '', mine as BaselineRow[]);
      out.push(s);
      print(formatSummary(s, opts.budgetMs));
    }
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < cells.length) {
      const k = next++;
      const cell = cells[k];
      if (cell === undefined) break;
      rows[k] = await runBaselineCell(cell);
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel) }, lane));
  return out;
}

/** One cell on its own worker thread. */
export function runBaselineCell(cell: BaselineCell): Promise<BaselineRow> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./baseline_worker_boot.mjs', import.meta.url), { workerData: cell });
    let row: BaselineRow | null = null;
    worker.once('message', (m: BaselineRow) => {
      row = m;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (row !== null) resolve(row);
      else reject(new Error(`baseline cell ${cell.mutant} seed ${cell.seed}: worker exited with code ${code} and no result`));
    });
  });
}
