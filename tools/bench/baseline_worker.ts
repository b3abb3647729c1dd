/** One baseline cell on a worker thread (baseline_table.ts): searches, shrinks, posts its row. */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { baselineRow } from './baseline_commands.ts';
import type { BaselineCell } from './baseline_table.ts';

const cell = workerData as BaselineCell;
const row = baselineRow(cell.mutant, cell.seed, cell.budget, () => performance.now(), { shrinkMs: cell.shrinkMs, rule: cell.rule });
parentPort?.postMessage(row);
