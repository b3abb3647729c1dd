/**
 * Campaign progress. On a terminal: one status line redrawn in place (at most 4 times a
 * second), with news lines (a new finding, a shrunk one) printed above it. Elsewhere (CI, a
 * log file): the same status as a plain line every `everyMs`, so logs stay readable.
 */
import { GOALS } from '../../fuzz/index.ts';
import type { Io } from '../io.ts';
import type { Campaign } from './coordinator.ts';

const TTY_EVERY_MS = 250;
const CLEAR_LINE = '\r\u001b[K';

export interface Progress {
  tick(): void;
  /** A line of news, kept in the scrollback. */
  news(text: string): void;
  /** Clears the status line before the summary. */
  done(): void;
}

export interface ProgressSetup {
  readonly io: Io;
  readonly campaign: Campaign;
  readonly timeMs: number | null;
  readonly workers: number;
  readonly replaced: () => number;
  readonly everyMs: number;
  readonly now: () => number;
}

export function createProgress(s: ProgressSetup): Progress {
  const tty = s.io.isTty;
  let last = s.now();
  let shown = false;
  const draw = (): void => {
    s.io.out(`${CLEAR_LINE}${statusLine(s)}`);
    shown = true;
  };
  return {
    tick() {
      const every = tty ? TTY_EVERY_MS : s.everyMs;
      if (s.now() - last < every) return;
      last = s.now();
      if (tty) draw();
      else s.io.out(`${statusLine(s)}\n`);
    },
    news(text) {
      s.io.out(tty && shown ? `${CLEAR_LINE}${text}\n` : `${text}\n`);
      if (tty) draw();
    },
    done() {
      if (tty && shown) s.io.out(CLEAR_LINE);
    },
  };
}

export function statusLine(s: ProgressSetup): string {
  const c = s.campaign;
  const l = c.ledger;
  const seconds = Math.max(0.001, (s.now() - c.started) / 1000);
  const budget = s.timeMs === null ? '' : ` / ${clock(s.timeMs / 1000)}`;
  const reached = GOALS.filter((g) => (l.coverage[g.goal] ?? 0) > 0).length;
  const replaced = s.replaced() > 0 ? ` (${s.replaced()} replaced)` : '';
  const stopping = c.stopping === null ? '' : `  stopping (${c.stopping})…`;
  return (
    `${clock(seconds)}${budget}  runs ${si(l.session.runs)} (${si(l.session.runs / seconds)}/s)  events ${si(l.session.events)} (${si(l.session.events / seconds)}/s)  ` +
    `findings ${l.files.size} distinct, ${l.session.findings} total  coverage ${reached}/${GOALS.length}  workers ${s.workers}${replaced}${stopping}`
  );
}

/** h:mm:ss, or m:ss under an hour. */
export function clock(seconds: number): string {
  const t = Math.floor(seconds);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** 0.25 → "0.3", 1234 → "1234", 12345 → "12.3k", 1234567 → "1.23M". */
export function si(n: number): string {
  if (n < 10 && !Number.isInteger(n)) return n.toFixed(1);
  if (n < 10_000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}
