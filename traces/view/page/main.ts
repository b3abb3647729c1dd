/**
 * The viewer page: reads the embedded view data, draws the header, timeline and finding
 * list once, then on every step change rebuilds the state from the nearest checkpoint and
 * redraws the state and the side panels (coalesced to one redraw per animation frame).
 * The shown step is kept in the URL (`#step=N`); with none, the page opens at the first
 * finding. Bundled by `bvsim view` with esbuild into the page's one inline script.
 */
import { DATA_ELEMENT_ID, type ViewData } from '../data.ts';
import { createRebuilder } from '../rebuild.ts';
import { diffStates } from '../../state_diff.ts';
import { block, byId, h } from './dom.ts';
import { drawChains, type DrawContext } from './draw_chains.ts';
import { drawBios, drawFolios, drawIos, drawIters, drawOther, drawPositions } from './draw_tables.ts';
import { createFindingsList, drawEventPanel, drawNearby } from './panels.ts';
import { createTimeline } from './timeline.ts';
import type { World } from '../../../core/index.ts';

function loadData(): ViewData {
  const el = document.getElementById(DATA_ELEMENT_ID);
  if (el === null) throw new Error('page: no embedded view data');
  // The page's own generator wrote this JSON (traces/view/data.ts).
  return JSON.parse(el.textContent) as ViewData;
}

function drawHeader(data: ViewData): void {
  byId('title', HTMLElement).textContent = data.title;
  const mutants = Object.keys(data.mutants).filter((k) => data.mutants[k] === true);
  const item = (k: string, v: string): HTMLElement => h('span', null, `${k} `, h('b', null, v), ' · ');
  byId('meta', HTMLElement).replaceChildren(
    item('seed', data.header.seed ?? 'none'),
    item('model', data.header.model ?? 'none'),
    item('events', String(data.steps.length)),
    item('findings', String(data.findings.length)),
    item('mutants', mutants.length > 0 ? mutants.join(', ') : 'none'),
    item('checkpoint every', String(data.checkpointEvery)),
    h('details', null, h('summary', null, 'config'), h('pre', { class: 'mono' }, JSON.stringify(data.header.config, null, 1))),
  );
  if (data.error !== null) {
    const err = byId('error', HTMLElement);
    err.hidden = false;
    err.textContent = `The model rejected line ${data.error.line}: ${data.error.message}${data.error.field === null ? '' : ` (${data.error.field})`}. The view stops before it.`;
  }
}

function drawState(world: World, ctx: DrawContext): void {
  const chains = drawChains(world, ctx);
  byId('state', HTMLElement).replaceChildren(
    block('bvecq chains', 'chains', ...(chains.length > 0 ? chains : [h('div', { class: 'empty' }, 'none')])),
    block('Iterators', 'iters', drawIters(world, ctx)),
    block('bvecq positions', 'positions', drawPositions(world, ctx)),
    block('Folios', 'folios', drawFolios(world, ctx)),
    block('Bios', 'bios', drawBios(world, ctx)),
    block('In-flight device I/O', 'ios', drawIos(world, ctx)),
    block('Other state', 'other', drawOther(world)),
  );
}

function initialStep(data: ViewData): number {
  const m = /^#step=(-?\d+)$/.exec(window.location.hash);
  if (m !== null) return Number(m[1]);
  return data.findings[0]?.i ?? -1;
}

function start(): void {
  const data = loadData();
  drawHeader(data);
  const rebuild = createRebuilder(data);
  const last = data.steps.length - 1;
  const slider = byId('slider', HTMLInputElement);
  const stepInput = byId('step-input', HTMLInputElement);
  const hideFreed = byId('hide-freed', HTMLInputElement);
  slider.max = String(last);
  stepInput.max = String(last);
  byId('step-of', HTMLElement).textContent = ` of 0..${last}`;
  let shown = -1;
  let pending: number | null = null;
  const clamp = (i: number): number => Math.min(Math.max(Number.isFinite(i) ? Math.trunc(i) : -1, -1), last);
  const go = (i: number): void => {
    if (pending === null) requestAnimationFrame(() => render());
    pending = clamp(i);
  };
  const timeline = createTimeline(byId('timeline', HTMLCanvasElement), byId('lane-names', HTMLElement), data, go);
  const findings = createFindingsList(byId('findings-list', HTMLElement), data, go);
  const render = (): void => {
    const i = pending ?? shown;
    pending = null;
    shown = i;
    const { world, before } = rebuild.at(i);
    const changes = i < 0 ? [] : diffStates(before, world);
    const changed = new Set(changes.map((c) => c.path.split('.').slice(0, 2).join('.')));
    drawState(world, { changed, hideFreed: hideFreed.checked });
    drawEventPanel(byId('event-panel', HTMLElement), data, i, changes);
    drawNearby(byId('nearby', HTMLElement), data, i, go);
    findings.setCurrent(i);
    timeline.setCurrent(i);
    slider.value = String(i);
    stepInput.value = String(i);
    document.body.dataset['step'] = String(i);
    try {
      window.history.replaceState(null, '', `#step=${i}`);
    } catch {
      // Some browsers refuse many history updates in a row (a fast drag); the URL then lags.
    }
  };
  const findingSteps = [...new Set(data.findings.map((f) => f.i))];
  slider.addEventListener('input', () => go(Number(slider.value)));
  stepInput.addEventListener('change', () => go(Number(stepInput.value)));
  hideFreed.addEventListener('change', () => go(shown));
  const buttons: [string, () => number][] = [
    ['first', () => -1],
    ['prev', () => shown - 1],
    ['next', () => shown + 1],
    ['last', () => last],
    ['prev-finding', () => [...findingSteps].reverse().find((s) => s < shown) ?? shown],
    ['next-finding', () => findingSteps.find((s) => s > shown) ?? shown],
  ];
  for (const [id, target] of buttons) byId(id, HTMLButtonElement).addEventListener('click', () => go(target()));
  document.addEventListener('keydown', (ev) => {
    if (ev.target instanceof HTMLInputElement) return;
    const keys: Record<string, number> = { ArrowLeft: shown - 1, ArrowRight: shown + 1, Home: -1, End: last };
    const to = keys[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    go(to);
  });
  go(initialStep(data));
}

start();
