/**
 * Building the page's elements. Text always goes in as text nodes, never as markup, so a
 * string from a trace (a note, a config value, a finding's detail) is shown, not run.
 */
import { DEVICE_LANE, UNATTRIBUTED_LANE } from '../../lanes.ts';

type Child = Node | string | number | null;

export interface Props {
  readonly class?: string;
  readonly title?: string;
  /** data-* attributes, without the prefix. */
  readonly data?: Readonly<Record<string, string | number>>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props?.class !== undefined) el.className = props.class;
  if (props?.title !== undefined) el.title = props.title;
  for (const [k, v] of Object.entries(props?.data ?? {})) el.dataset[k] = String(v);
  for (const c of children) {
    if (c === null) continue;
    el.append(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`page: no #${id}`);
  return el;
}

/** A titled block of the state drawing. */
export function block(title: string, key: string, ...content: Child[]): HTMLElement {
  return h('section', { class: 'block', data: { block: key } }, h('h2', null, title), ...content);
}

const LANE_COLOURS = ['#1e88e5', '#43a047', '#8e24aa', '#00897b', '#3949ab', '#c0ca33', '#6d4c41', '#d81b60', '#5e35b1', '#039be5'];

/** A lane's colour: the device orange, the simulator grey, actors from a palette. */
export function laneColour(lane: string, index: number): string {
  if (lane === DEVICE_LANE) return '#ef6c00';
  if (lane === 'sim') return '#78909c';
  if (lane === UNATTRIBUTED_LANE) return '#546e7a';
  return LANE_COLOURS[index % LANE_COLOURS.length] ?? '#1e88e5';
}

export function badge(label: string, on: boolean, title?: string): HTMLElement {
  return h('span', { class: `badge ${on ? 'on' : 'off'}`, ...(title !== undefined ? { title } : {}) }, label);
}
