/** The end-of-campaign summary: why it stopped, throughput, findings with their files, coverage, how to go on. */
import { GOALS, goalsNeverReached } from '../../fuzz/index.ts';
import type { FuzzArgs } from '../commands/fuzz.ts';
import type { Io } from '../io.ts';
import type { Campaign } from './coordinator.ts';
import { si } from './progress.ts';

export interface SummaryInput {
  readonly args: FuzzArgs;
  readonly campaign: Campaign;
  readonly reason: string;
  readonly elapsedMs: number;
  /** Worker threads that died and were replaced. */
  readonly replaced: number;
}

const WHY: Readonly<Record<string, string>> = {
  time: 'time budget spent',
  runs: 'run budget spent',
  finding: 'first finding (--until-finding)',
  signal: 'interrupted',
  aborted: 'abandoned (second interrupt): runs in flight were dropped',
};

export function printSummary(io: Io, s: SummaryInput): void {
  const l = s.campaign.ledger;
  const seconds = Math.max(0.001, s.elapsedMs / 1000);
  const shard = l.stream.shard.count > 1 ? ` shard ${l.stream.shard.index}/${l.stream.shard.count}` : '';
  io.out(`\ncampaign ${l.stream.seed}${shard}: stopped after ${seconds.toFixed(1)} s: ${WHY[s.reason] ?? s.reason}\n`);
  io.out(`runs ${si(l.session.runs)} (${si(l.session.runs / seconds)}/s), events ${si(l.session.events)} (${si(l.session.events / seconds)}/s) this session; ${si(l.runs)} runs in the stream\n`);
  if (s.replaced > 0) io.out(`workers: ${s.args.workers}, ${s.replaced} replaced after dying\n`);
  printFindings(io, s);
  const never = goalsNeverReached(l.coverage);
  io.out(`coverage: ${GOALS.length - never.length}/${GOALS.length} goals reached${never.length > 0 ? `; never: ${never.join(', ')}` : ''}\n`);
  const shardFlag = l.stream.shard.count > 1 ? ` --shard ${l.stream.shard.index}/${l.stream.shard.count}` : '';
  io.out(`resume: bvsim fuzz --out ${s.args.out} --seed ${l.stream.seed}${shardFlag}${flagsOf(s.args)}\n`);
}

function printFindings(io: Io, s: SummaryInput): void {
  const l = s.campaign.ledger;
  const fresh = new Set(l.session.found.map((f) => f.signature));
  io.out(`findings: ${l.files.size} distinct in ${s.args.out} (${fresh.size} new), ${l.session.findings} this session\n`);
  const sigs = [...l.files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(0, ...sigs.map((x) => x.length));
  for (const sig of sigs) {
    const file = `${s.args.out}/findings/${l.files.get(sig) ?? ''}`;
    io.out(`  ${sig.padEnd(width)}  ${String(l.counts[sig] ?? 0).padStart(7)}  ${file}${fresh.has(sig) ? '  (new)' : ''}\n`);
  }
  for (const f of l.session.found) io.out(`reproduce: bvsim replay ${s.args.out}/findings/${l.files.get(f.signature) ?? f.file}\n`);
}

function flagsOf(a: FuzzArgs): string {
  const flags: string[] = [];
  if (a.design !== 'swarm') flags.push(`--design ${a.design}`);
  if (a.policy !== null) flags.push(`--policy ${a.policy}`);
  for (const m of a.mutants) flags.push(`--mutant ${m}`);
  if (a.canary !== null) flags.push(`--canary ${a.canary}`);
  return flags.length === 0 ? '' : ` ${flags.join(' ')}`;
}
