/**
 * The side panels: the shown step's event, `ret`, findings and state changes; the list of
 * every finding (click to jump to its step); the events around the shown step.
 */
import type { StateChange } from '../../state_diff.ts';
import { showValue } from '../../state_diff.ts';
import type { ViewData } from '../data.ts';
import { h, laneColour } from './dom.ts';

const FINDINGS_LISTED_MAX = 2000;
const CHANGES_LISTED_MAX = 150;
const NEARBY = 12;

function laneChip(data: ViewData, i: number): HTMLElement {
  const s = data.steps[i];
  const lane = data.lanes[s?.lane ?? 0] ?? '';
  const chip = h('span', { class: 'lane-chip' }, s?.by ?? lane);
  chip.style.background = laneColour(lane, s?.lane ?? 0);
  return chip;
}

export function drawEventPanel(panel: HTMLElement, data: ViewData, i: number, changes: readonly StateChange[]): void {
  const s = data.steps[i];
  if (s === undefined) {
    panel.replaceChildren(h('h2', null, 'Before the first step'), h('p', { class: 'empty' }, 'The empty state. Move the slider or click the timeline.'));
    return;
  }
  const note = s.event.type === 'sim.note' ? h('p', { class: 'note' }, s.event.text) : null;
  const findings = (s.findings ?? []).map((f) => h('div', { class: `finding ${f.kind}`, data: { finding: f.id } }, h('b', null, `${f.kind} ${f.id}`), ': ', f.detail));
  const shown = changes.slice(0, CHANGES_LISTED_MAX).map((c) => h('li', null, h('code', null, c.path), ` ${showValue(c.old)} → ${showValue(c.new)}`));
  const more = changes.length > CHANGES_LISTED_MAX ? h('li', { class: 'more' }, `… ${changes.length - CHANGES_LISTED_MAX} more`) : null;
  const parts = [
    h('h2', null, `Step ${i} `, laneChip(data, i), ` ${s.event.type}`),
    note,
    h('pre', { class: 'mono', data: { part: 'event' } }, JSON.stringify(s.event, null, 2)),
    h('div', null, 'ret ', h('code', { data: { part: 'ret' } }, JSON.stringify(s.ret))),
    s.halted === true ? h('div', { class: 'finding bug' }, 'not applied: an earlier bug halted the run') : null,
    ...findings,
    h('h2', null, `Changes (${changes.length})`),
    h('ul', { class: 'changes mono' }, ...shown, more),
  ];
  panel.replaceChildren(...parts.filter((p) => p !== null));
}

export interface FindingsList {
  setCurrent(i: number): void;
}

export function createFindingsList(list: HTMLElement, data: ViewData, onPick: (i: number) => void): FindingsList {
  const byStep = new Map<number, HTMLElement[]>();
  const items = data.findings.slice(0, FINDINGS_LISTED_MAX).map((f) => {
    const button = h('button', { title: f.detail }, `step ${f.i} · ${f.kind} ${f.id}`);
    button.addEventListener('click', () => onPick(f.i));
    const li = h('li', { class: f.kind, data: { step: f.i, finding: f.id } }, button);
    byStep.set(f.i, [...(byStep.get(f.i) ?? []), li]);
    return li;
  });
  const more = data.findings.length > FINDINGS_LISTED_MAX ? h('li', { class: 'more' }, `… ${data.findings.length - FINDINGS_LISTED_MAX} more`) : null;
  list.replaceChildren(...items, ...(items.length === 0 ? [h('li', { class: 'empty' }, 'no findings')] : []), ...(more === null ? [] : [more]));
  let lit: HTMLElement[] = [];
  return {
    setCurrent(i) {
      for (const li of lit) li.classList.remove('current');
      lit = byStep.get(i) ?? [];
      for (const li of lit) li.classList.add('current');
      // Scroll the list only: scrollIntoView would move the whole page as well.
      const first = lit[0];
      if (first !== undefined) list.scrollTop = first.offsetTop - list.clientHeight / 2;
    },
  };
}

export function drawNearby(list: HTMLElement, data: ViewData, i: number, onPick: (i: number) => void): void {
  const from = Math.max(0, i - NEARBY);
  const to = Math.min(data.steps.length - 1, i + NEARBY);
  const items: HTMLElement[] = [];
  for (let j = from; j <= to; j++) {
    const s = data.steps[j];
    if (s === undefined) continue;
    const dot = h('span', { class: 'dot' });
    dot.style.background = laneColour(data.lanes[s.lane] ?? '', s.lane);
    const button = h('button', { title: JSON.stringify(s.event) }, dot, `${j} ${s.event.type} → ${JSON.stringify(s.ret)}`);
    button.addEventListener('click', () => onPick(j));
    const cls = [j === i ? 'current' : '', s.findings !== undefined ? 'has-finding' : ''].filter((c) => c !== '').join(' ');
    items.push(h('li', { class: cls, data: { step: j } }, button));
  }
  list.replaceChildren(...items);
}
