/**
 * The other objects of the state: folios with their page flags and counts, iterators,
 * positions, bios (shared vector tables, chain counts, flags) and in-flight device I/O.
 * Live objects come first; each table stops at ROWS_SHOWN_MAX rows and says how many more.
 */
import type { Bio, IovIter, World } from '../../../core/index.ts';
import { badge, h } from './dom.ts';
import type { DrawContext } from './draw_chains.ts';

const ROWS_SHOWN_MAX = 200;

type Cell = Node | string | number;

interface Row {
  readonly id: number;
  readonly freed: boolean;
  readonly cells: readonly Cell[];
}

/** Rows in id order, live ones first, at most ROWS_SHOWN_MAX. */
function rowsOf<T>(table: Readonly<Record<number, T>>, ctx: DrawContext, freed: (t: T) => boolean, cells: (id: number, t: T) => Cell[]): { rows: Row[]; more: number } {
  const all = Object.keys(table)
    .map(Number)
    .sort((a, b) => a - b)
    .flatMap((id) => {
      const t = table[id];
      return t === undefined ? [] : [{ id, t, freed: freed(t) }];
    })
    .filter((r) => !(ctx.hideFreed && r.freed));
  const ordered = [...all.filter((r) => !r.freed), ...all.filter((r) => r.freed)];
  const rows = ordered.slice(0, ROWS_SHOWN_MAX).map((r) => ({ id: r.id, freed: r.freed, cells: cells(r.id, r.t) }));
  return { rows, more: ordered.length - rows.length };
}

function table(kind: string, key: string, headers: readonly string[], built: { rows: Row[]; more: number }, ctx: DrawContext): HTMLElement {
  if (built.rows.length === 0) return h('div', { class: 'empty' }, 'none');
  const head = h('tr', null, ...headers.map((t) => h('th', null, t)));
  const body = built.rows.map((r) => {
    const cls = [r.freed ? 'freed' : '', ctx.changed.has(`${key}.${r.id}`) ? 'changed' : ''].filter((c) => c !== '').join(' ');
    return h('tr', { class: cls, data: { [kind]: r.id } }, ...r.cells.map((c, k) => h('td', { data: { field: headers[k] ?? '' } }, c)));
  });
  const more = built.more > 0 ? h('div', { class: 'more' }, `… ${built.more} more`) : null;
  return h('div', null, h('table', { class: 'objs' }, h('thead', null, head), h('tbody', null, ...body)), more);
}

export function drawFolios(world: World, ctx: DrawContext): HTMLElement {
  const headers = ['folio', 'pfn', 'order', 'refcount', 'pincount', 'flags'];
  const built = rowsOf(world.folios, ctx, (f) => f.freed, (id, f) => [
    id,
    f.pfn,
    f.order,
    f.refcount,
    f.pincount,
    h('span', null, badge('locked', f.locked), badge('uptodate', f.uptodate), badge('dirty', f.dirty), badge('writeback', f.writeback), f.user ? badge('user', true) : '', f.freed ? h('span', { class: 'badge warn' }, 'freed') : ''),
  ]);
  return table('folio', 'folios', headers, built, ctx);
}

function iterWhere(it: IovIter): string {
  switch (it.iter_type) {
    case 'ITER_BVEC':
      return `bvec ${it.bvec ?? '?'}[${it.bvec_index ?? '?'}], ${it.nr_segs ?? 0} segs`;
    case 'ITER_BVECQ':
      return `bvecq ${it.bvecq ?? 'NULL'} slot ${it.bvecq_slot ?? '?'}`;
    case 'ITER_KVEC':
      return `kvec ${it.kvec ?? '?'}[${it.kvec_index ?? '?'}], ${it.nr_segs ?? 0} segs`;
    case 'ITER_UBUF':
      return `user +${it.ubuf ?? 0}`;
    case 'ITER_DISCARD':
      return '—';
    default:
      return String(it.iter_type);
  }
}

export function drawIters(world: World, ctx: DrawContext): HTMLElement {
  const headers = ['iter', 'type', 'dir', 'count', 'iov_offset', 'at', 'consumed'];
  const built = rowsOf(world.iters, ctx, () => false, (id, it) => [id, it.iter_type, it.data_source ? 'SOURCE' : 'DEST', it.count, it.iov_offset, iterWhere(it), it.consumed]);
  return table('iter', 'iters', headers, built, ctx);
}

export function drawPositions(world: World, ctx: DrawContext): HTMLElement {
  const headers = ['pos', 'bvecq', 'slot', 'offset'];
  const built = rowsOf(world.positions, ctx, () => false, (id, p) => [id, p.bvecq === null ? 'unset' : p.bvecq, p.slot, p.offset]);
  return table('pos', 'positions', headers, built, ctx);
}

export function drawIos(world: World, ctx: DrawContext): HTMLElement {
  const headers = ['io', 'bio', 'state', 'bio bytes left'];
  const built = rowsOf(world.ios, ctx, (io) => io.freed, (id, io) => [id, io.bio, io.freed ? 'done' : 'in flight', world.bios[io.bio]?.bi_size ?? '?']);
  return table('io', 'ios', headers, built, ctx);
}

function vectorSource(id: number, b: Bio): string {
  const v = b.bi_io_vec;
  if (v === null) return 'none';
  if (v.bvec !== null) return `bvec array ${v.bvec} @${v.at}`;
  if (v.bio === id) return `own table @${v.at}`;
  return `bio ${v.bio ?? '?'}'s table @${v.at} (shared)`;
}

const SEGMENTS_SHOWN_MAX = 32;

/**
 * The segments the bio's iterator covers, read through `bi_io_vec` — for a clone or a split,
 * entries of the table it shares — as `[entry] pfn +offset len` with `bi_bvec_done` skipped.
 */
function iterSegments(world: World, b: Bio): string[] {
  const v = b.bi_io_vec;
  if (v === null) return [];
  const table = v.bvec !== null ? world.bvecs[v.bvec]?.bv : v.bio !== null ? world.bios[v.bio]?.table?.bv : undefined;
  if (table === undefined) return [];
  const out: string[] = [];
  let left = b.bi_size;
  let skip = b.bi_bvec_done;
  for (let k = v.at + b.bi_idx; left > 0 && out.length < SEGMENTS_SHOWN_MAX; k++) {
    const bv = table[k];
    if (bv === undefined || bv.len <= skip) break;
    const len = Math.min(bv.len - skip, left);
    out.push(`[${k}] ${bv.page === null ? 'NULL' : `pfn ${bv.page}`} +${bv.offset + skip} ${len} B`);
    left -= len;
    skip = 0;
  }
  return out;
}

function bioCard(id: number, b: Bio, ctx: DrawContext, world: World): HTMLElement {
  const shared = b.bi_io_vec !== null && b.bi_io_vec.bio !== id;
  const kv: [string, Cell][] = [
    ['opf', `0x${b.opf.toString(16)}`],
    ['sector', b.bi_sector],
    ['size', b.bi_size],
    ['idx / done', `${b.bi_idx} / ${b.bi_bvec_done}`],
    ['vcnt / max', `${b.bi_vcnt} / ${b.bi_max_vecs}`],
    ['remaining', h('b', { data: { field: 'remaining' } }, b.remaining)],
    ['cnt', h('b', { data: { field: 'cnt' } }, b.cnt)],
    ['status', b.status],
    ['end_io', `${b.end_io ?? 'NULL'}${b.end_io_calls.length > 0 ? ` (called: ${b.end_io_calls.join(', ')})` : ''}`],
    ['parent', b.private === null ? '—' : `bio ${b.private}`],
    ['bi_io_vec', vectorSource(id, b)],
  ];
  if (b.table !== null && b.table.users.length > 0) kv.push(['table users', b.table.users.map((u) => `bio ${u}`).join(', ')]);
  const vecs = b.vecs.map((v) => h('span', { class: 'vec' }, `${v.page === null ? 'NULL' : `pfn ${v.page}`} +${v.offset} ${v.len} B`));
  const segments = iterSegments(world, b).map((t) => h('span', { class: shared ? 'vec shared' : 'vec', title: shared ? 'read through a shared bi_io_vec' : '' }, t));
  const cls = ['bio', b.freed ? 'freed' : '', ctx.changed.has(`bios.${id}`) ? 'changed' : ''].filter((c) => c !== '').join(' ');
  return h(
    'div',
    { class: cls, data: { bio: id } },
    h('div', { class: 'node-head' }, `bio ${id}`, ...b.flags.map((f) => h('span', { class: 'badge flag' }, f)), b.freed ? h('span', { class: 'badge warn' }, 'freed') : null),
    h('div', { class: 'kv' }, ...kv.flatMap(([k, v]) => [h('span', null, k), h('span', null, v)])),
    vecs.length > 0 ? h('div', null, h('span', { class: 'dim' }, `vecs (${b.vecs.length}): `), ...vecs) : null,
    segments.length > 0 ? h('div', { data: { part: 'segments' } }, h('span', { class: 'dim' }, 'bi_iter covers: '), ...segments) : null,
  );
}

const CARDS_SHOWN_MAX = 60;

/** Live bios as cards; freed ones (tombstones) as one line of names, to keep the page light. */
export function drawBios(world: World, ctx: DrawContext): HTMLElement {
  const live: HTMLElement[] = [];
  const freed: HTMLElement[] = [];
  let more = 0;
  for (const id of Object.keys(world.bios).map(Number).sort((a, b) => a - b)) {
    const b = world.bios[id];
    if (b === undefined) continue;
    if (b.freed && ctx.hideFreed) continue;
    if (b.freed && freed.length < ROWS_SHOWN_MAX) freed.push(h('span', { class: `vec${ctx.changed.has(`bios.${id}`) ? ' changed' : ''}`, data: { bio: id } }, `bio ${id}`));
    else if (!b.freed && live.length < CARDS_SHOWN_MAX) live.push(bioCard(id, b, ctx, world));
    else more++;
  }
  if (live.length + freed.length === 0) return h('div', { class: 'empty' }, 'none');
  return h(
    'div',
    null,
    h('div', { class: 'bios' }, ...live),
    freed.length > 0 ? h('div', { class: 'freed-list' }, 'freed: ', ...freed) : null,
    more > 0 ? h('div', { class: 'more' }, `… ${more} more`) : null,
  );
}

const OTHER_CHARS_MAX = 20_000;

/** Everything else (bio_vec arrays, bvec_iters, kvecs, kernel buffers, user memory) as JSON. */
export function drawOther(world: World): HTMLElement {
  const rest = { bvecs: world.bvecs, biters: world.biters, kvecs: world.kvecs, kbufs: world.kbufs, user: world.user, halted: world.halted };
  const text = JSON.stringify(rest, null, 1);
  const shown = text.length > OTHER_CHARS_MAX ? `${text.slice(0, OTHER_CHARS_MAX)}\n… (${text.length - OTHER_CHARS_MAX} more characters)` : text;
  return h('details', null, h('summary', null, 'bio_vec arrays, bvec_iters, kvecs, kernel buffers, user memory'), h('pre', { class: 'mono' }, shown));
}
