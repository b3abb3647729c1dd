/** The messages between a campaign and its worker threads (structured-cloned plain data). */
import type { CampaignRunOptions, RunSpec, RunSummary } from '../../fuzz/index.ts';

export interface WorkerInit {
  readonly opts: CampaignRunOptions;
  /** Int32 flag 0 set to 1 when the campaign stops: a running shrink returns its best so far. */
  readonly stop: SharedArrayBuffer;
}

export type ToWorker =
  | { readonly type: 'runs'; readonly id: number; readonly specs: readonly RunSpec[]; readonly known: readonly string[] }
  | { readonly type: 'shrink'; readonly id: number; readonly signature: string; readonly text: string; readonly budgetMs: number };

export type ShrinkResult =
  | { readonly ok: true; readonly text: string; readonly eventsBefore: number; readonly eventsAfter: number }
  | { readonly ok: false; readonly why: string };

export type FromWorker =
  | { readonly type: 'runs'; readonly id: number; readonly results: readonly RunSummary[] }
  | { readonly type: 'shrunk'; readonly id: number; readonly signature: string; readonly result: ShrinkResult };
