// The findings store on disk, in a temporary directory: atomic trace writes that never replace
// a file, a log line cut short by a kill mended before the next append, stale temporaries
// cleared, and a lock that refuses a second live campaign but takes over from a dead one.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, readStore, StoreBusyError } from '../../../tools/campaign/store.ts';
import type { LogRecord } from '../../../fuzz/index.ts';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'bvsim-store-'));
const SIG = 'bug.folio.put_underflow';
const record = (k: number): LogRecord => ({ type: 'finding', signature: SIG, file: 'x', detail: 'd', k, boost: null, seed: k, configSeed: k, events: 1 });

describe('openStore', () => {
  it('should write a trace under its signature and hash, once', () => {
    const dir = fresh();
    const s = openStore(dir);
    const name = s.writeTrace(SIG, 'text\n');
    expect(s.writeTrace(SIG, 'text\n')).toBe(name);
    expect(readdirSync(join(dir, 'findings'))).toEqual([name]);
    expect(readFileSync(join(dir, 'findings', name), 'utf8')).toBe('text\n');
    s.release();
  });

  it('should mend a log cut short and clear stale temporaries', () => {
    const dir = fresh();
    const first = openStore(dir);
    first.append(record(1));
    first.release();
    writeFileSync(join(dir, 'campaign.jsonl'), `${readFileSync(join(dir, 'campaign.jsonl'), 'utf8')}{"type":"fin`);
    writeFileSync(join(dir, 'findings', '.tmp-999-0'), 'half a tra');
    expect(readStore(dir).partialTail).toBe(true);
    const again = openStore(dir);
    again.append(record(2));
    again.release();
    const back = readStore(dir);
    expect(back.errors).toEqual([]);
    expect(back.records.map((r) => (r.type === 'finding' ? r.k : -1))).toEqual([1, 2]);
    expect(readdirSync(join(dir, 'findings'))).toEqual([]);
  });

  it('should refuse a store locked by a live process and take over from a dead one', () => {
    const dir = fresh();
    const s = openStore(dir);
    writeFileSync(join(dir, 'lock'), `${process.ppid}\n`);
    expect(() => openStore(dir)).toThrow(StoreBusyError);
    writeFileSync(join(dir, 'lock'), '2147483646\n');
    expect(() => openStore(dir).release()).not.toThrow();
    s.release();
  });

  it('should read a missing directory as an empty store', () => {
    const r = readStore(join(fresh(), 'nothing'));
    expect(r.records).toEqual([]);
    expect(r.view.files.size).toBe(0);
  });
});
