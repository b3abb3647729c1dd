/**
 * A campaign worker thread: runs batches of campaign runs (mutable mode) and shrinks new
 * findings in the background. Every run is caught inside fuzz/ (an exception becomes an
 * `internal` finding), so a message always gets its answer unless the thread itself dies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findingSignature } from '../../core/index.ts';
import { budgetStop, runCampaignRun, shrinkTrace, type RunSummary } from '../../fuzz/index.ts';
import { decodeTrace, encodeTrace } from '../../traces/index.ts';
import { simRunOf } from '../sim_trace.ts';
import type { FromWorker, ShrinkResult, ToWorker, WorkerInit } from './protocol.ts';

const init = workerData as WorkerInit;
const stop = new Int32Array(init.stop);
const known = new Set<string>();
const port = parentPort;
if (port === null) throw new Error('tools/campaign/worker.ts runs as a worker thread only');

function runBatch(m: Extract<ToWorker, { type: 'runs' }>): FromWorker {
  for (const s of m.known) known.add(s);
  const results: RunSummary[] = [];
  for (const spec of m.specs) {
    const r = runCampaignRun(spec, init.opts, known);
    // Later runs of this batch need not carry the same signature's trace again.
    if (r.first !== null && r.trace !== null) known.add(findingSignature(r.first));
    results.push(r);
  }
  return { type: 'runs', id: m.id, results };
}

function shrink(m: Extract<ToWorker, { type: 'shrink' }>): ShrinkResult {
  const decoded = decodeTrace(m.text);
  if (!decoded.ok) return { ok: false, why: `the trace does not decode: line ${decoded.error.line}: ${decoded.error.message}` };
  const sim = simRunOf(decoded.value);
  const started = performance.now();
  const byBudget = budgetStop(() => performance.now() - started, m.budgetMs);
  try {
    const out = shrinkTrace(
      { trace: decoded.value, run: sim.ok ? sim.run : null },
      // Stage 1 stops at its share of the budget, so that stage 2 always gets the rest.
      { shouldStop: (q) => Atomics.load(stop, 0) !== 0 || byBudget(q) },
    );
    if (!out.ok) return { ok: false, why: out.message };
    if (findingSignature(out.report.target) !== m.signature) return { ok: false, why: `shrinking kept ${findingSignature(out.report.target)}, not ${m.signature}` };
    return { ok: true, text: encodeTrace(out.report.trace), eventsBefore: out.report.eventsBefore, eventsAfter: out.report.eventsAfter };
  } catch (err) {
    return { ok: false, why: `shrinking threw: ${err instanceof Error ? err.message : String(err)}` };
  }
}

port.on('message', (m: ToWorker) => {
  const reply: FromWorker = m.type === 'runs' ? runBatch(m) : { type: 'shrunk', id: m.id, signature: m.signature, result: shrink(m) };
  port.postMessage(reply);
});
