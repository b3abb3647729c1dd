// A soak campaign (seed 11) found the clean model stuck: a cache read that failed with -ENODATA
// after transferring all its bytes is retried with nothing left to read, so the retry only drops
// it, and no subrequest is left to queue the collection that completes the request. In the
// kernel the retry runs inside the collection work item, which goes on to complete the request.
// The fixture is the campaign's stage-1 shrink (it re-runs from its seed, config and choices).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runChoicesTrace } from '../../fuzz/index.ts';
import { decodeTrace } from '../../traces/index.ts';
import { simRunOf } from '../../tools/sim_trace.ts';

const FIXTURE = new URL('./fixtures/netfs_retry_drops_every_subrequest.trace.jsonl', import.meta.url);

describe('netfs_retry_reads that only drops subrequests', () => {
  it('should let the collector complete the request, so the run quiesces without findings', () => {
    const decoded = decodeTrace(readFileSync(FIXTURE, 'utf8'));
    if (!decoded.ok) throw new Error(decoded.error.message);
    const recorded = decoded.value;
    expect(recorded.footer?.findings?.map((f) => f.id)).toEqual(['sim.not_quiesced']);
    const sim = simRunOf(recorded);
    if (!sim.ok) throw new Error(sim.why);
    const run = runChoicesTrace(sim.run.seed, sim.run.config, sim.run.choices, { mutants: [], mode: 'mutable' });
    const events = run.trace.steps.map((s) => s.event.type);
    const retry = events.indexOf('netfs_retry_reads');
    expect(retry).toBeGreaterThan(0);
    expect(events.slice(retry + 1)).toContain('netfs_read_collection');
    expect(run.result.findings).toEqual([]);
    expect(run.result.quiesced).toBe(true);
  });
});
