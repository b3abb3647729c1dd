/**
 * The bvecq chains: each node with its ref count, slots (published and not) and free state,
 * linked along `next`; every ITER_BVECQ iterator and every `bvecq_pos` drawn as a marker on
 * the slot it points at (a marker past the last slot sits in an "end" box).
 */
import type { Bvecq, World } from '../../../core/index.ts';
import { h } from './dom.ts';

export interface DrawContext {
  /** `table.id` keys of the objects the shown step changed. */
  readonly changed: ReadonlySet<string>;
  readonly hideFreed: boolean;
}

const NODES_SHOWN_MAX = 300;
const SLOTS_SHOWN_MAX = 64;

interface Marker {
  readonly label: string;
  readonly kind: 'iter' | 'pos';
  readonly id: number;
}

const ids = (table: object): number[] => Object.keys(table).map(Number).sort((a, b) => a - b);

function markersOf(world: World): Map<string, Marker[]> {
  const out = new Map<string, Marker[]>();
  const add = (bvecq: number, slot: number, m: Marker): void => {
    const key = `${bvecq}:${slot}`;
    out.set(key, [...(out.get(key) ?? []), m]);
  };
  for (const id of ids(world.iters)) {
    const it = world.iters[id];
    if (it?.iter_type !== 'ITER_BVECQ' || it.bvecq === null) continue;
    add(it.bvecq, it.bvecq_slot ?? 0, { kind: 'iter', id, label: `iter ${id} +${it.iov_offset} · ${it.count} B left` });
  }
  for (const id of ids(world.positions)) {
    const p = world.positions[id];
    if (p === undefined || p.bvecq === null) continue;
    add(p.bvecq, p.slot, { kind: 'pos', id, label: `pos ${id} +${p.offset}` });
  }
  return out;
}

/** Chains in order of their head's id; nodes on a cycle start a chain of their own. */
function chainsOf(bvecqs: Readonly<Record<number, Bvecq>>): number[][] {
  const all = ids(bvecqs);
  const isHead = (id: number): boolean => {
    const prev = bvecqs[id]?.prev ?? null;
    return prev === null || bvecqs[prev]?.next !== id;
  };
  const seen = new Set<number>();
  const chains: number[][] = [];
  for (const start of [...all.filter(isHead), ...all]) {
    if (seen.has(start)) continue;
    const chain: number[] = [];
    for (let id: number | null = start; id !== null && !seen.has(id) && bvecqs[id] !== undefined; id = bvecqs[id]?.next ?? null) {
      seen.add(id);
      chain.push(id);
    }
    chains.push(chain);
  }
  return chains;
}

function slotBox(q: Bvecq, s: number, markers: readonly Marker[]): HTMLElement {
  const bv = q.bv[s];
  const text = bv === undefined ? '—' : `${bv.page === null ? 'NULL' : `pfn ${bv.page}`} +${bv.offset} ${bv.len} B`;
  const cls = s < q.nr_slots ? 'slot' : 'slot unpublished';
  return h('div', { class: cls, data: { slot: s }, title: s < q.nr_slots ? 'published slot' : 'not published (past nr_slots)' }, h('span', { class: 'idx' }, `[${s}] `), text, ...markers.map(markerEl));
}

function markerEl(m: Marker): HTMLElement {
  return h('span', { class: `marker ${m.kind}`, data: { [m.kind]: m.id } }, m.label);
}

function nodeEl(id: number, q: Bvecq, markers: Map<string, Marker[]>, ctx: DrawContext): HTMLElement {
  const shown = Math.min(q.max_slots, SLOTS_SHOWN_MAX);
  const slots: HTMLElement[] = [];
  for (let s = 0; s < shown; s++) slots.push(slotBox(q, s, markers.get(`${id}:${s}`) ?? []));
  const beyond = [...markers.entries()].filter(([k]) => {
    const [b, s] = k.split(':').map(Number);
    return b === id && (s ?? 0) >= shown;
  });
  if (beyond.length > 0 || shown < q.max_slots) {
    const extra = shown < q.max_slots ? `+${q.max_slots - shown} slots` : 'end';
    slots.push(h('div', { class: 'slot end', data: { slot: 'end' } }, extra, ...beyond.flatMap(([, ms]) => ms.map(markerEl))));
  }
  const cls = ['node', q.freed ? 'freed' : '', ctx.changed.has(`bvecqs.${id}`) ? 'changed' : ''].filter((c) => c !== '').join(' ');
  const head = h(
    'div',
    { class: 'node-head' },
    `bvecq ${id}`,
    h('span', { class: 'ref', data: { field: 'ref' } }, `ref ${q.ref}`),
    h('span', { class: 'dim' }, `${q.nr_slots}/${q.max_slots} ${q.mem_type}${q.inline_bv ? ' inline' : ''}`),
    q.freed ? h('span', { class: 'badge warn' }, 'freed') : null,
  );
  return h('div', { class: cls, data: { bvecq: id } }, head, h('div', { class: 'slots' }, ...slots));
}

export function drawChains(world: World, ctx: DrawContext): HTMLElement[] {
  const markers = markersOf(world);
  const out: HTMLElement[] = [];
  let drawn = 0;
  let hidden = 0;
  for (const chain of chainsOf(world.bvecqs)) {
    const nodes = chain.flatMap((id) => {
      const q = world.bvecqs[id];
      return q === undefined ? [] : [{ id, q }];
    });
    if (ctx.hideFreed && nodes.every((n) => n.q.freed)) continue;
    if (drawn + nodes.length > NODES_SHOWN_MAX) {
      hidden += nodes.length;
      continue;
    }
    drawn += nodes.length;
    const parts = nodes.flatMap((n, k) => [...(k > 0 ? [h('span', { class: 'arrow' }, '→')] : []), nodeEl(n.id, n.q, markers, ctx)]);
    out.push(h('div', { class: 'chain', data: { head: chain[0] ?? -1 } }, ...parts));
  }
  if (hidden > 0) out.push(h('div', { class: 'more' }, `… ${hidden} more nodes not drawn (tick "hide freed")`));
  return out;
}
