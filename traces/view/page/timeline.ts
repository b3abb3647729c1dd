/**
 * The timeline: one row per lane (actor, device, simulator) with a tick per step in the
 * lane's colour, a top row marking findings, and a cursor at the shown step. The rows are
 * painted once per width into a backing canvas (a 100,000-step trace is one pass over the
 * steps), and moving the cursor only copies that canvas. Clicking or dragging picks a step.
 */
import type { ViewData } from '../data.ts';
import { h, laneColour } from './dom.ts';

const ROW = 14;
const KIND_COLOURS: Readonly<Record<string, string>> = { bug: '#c62828', warn: '#f9a825', invariant: '#8e24aa', internal: '#000' };

export interface Timeline {
  setCurrent(i: number): void;
}

export function createTimeline(canvas: HTMLCanvasElement, names: HTMLElement, data: ViewData, onPick: (i: number) => void): Timeline {
  const n = Math.max(data.steps.length, 1);
  const rows = data.lanes.length + 1;
  const backing = document.createElement('canvas');
  let current = -1;
  names.replaceChildren(
    h('div', null, h('span', { class: 'swatch', title: 'findings' }), 'findings'),
    ...data.lanes.map((lane, k) => {
      const sw = h('span', { class: 'swatch' });
      sw.style.background = laneColour(lane, k);
      return h('div', { title: lane, data: { lane } }, sw, lane);
    }),
  );
  const paint = (): void => {
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(canvas.clientWidth, 100);
    canvas.style.height = `${rows * ROW}px`;
    for (const c of [canvas, backing]) {
      c.width = Math.round(width * dpr);
      c.height = Math.round(rows * ROW * dpr);
    }
    const g = backing.getContext('2d');
    if (g === null) return;
    g.scale(dpr, dpr);
    paintRows(g, data, width);
    paintFindings(g, data, width);
    draw();
  };
  const draw = (): void => {
    const g = canvas.getContext('2d');
    if (g === null) return;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.drawImage(backing, 0, 0);
    if (current < 0) return;
    const x = ((current + 0.5) / n) * canvas.width;
    g.fillStyle = 'rgba(0,0,0,0.75)';
    g.fillRect(Math.round(x) - 1, 0, 2, canvas.height);
  };
  const pick = (ev: MouseEvent): void => {
    const r = canvas.getBoundingClientRect();
    const k = Math.floor(((ev.clientX - r.left) / Math.max(r.width, 1)) * n);
    onPick(Math.min(Math.max(k, 0), data.steps.length - 1));
  };
  canvas.addEventListener('mousedown', pick);
  canvas.addEventListener('mousemove', (ev) => {
    if ((ev.buttons & 1) === 1) pick(ev);
  });
  window.addEventListener('resize', paint);
  paint();
  return {
    setCurrent(i) {
      current = i;
      draw();
    },
  };
}

/** Marks, per lane, the pixel columns that hold at least one of its steps, then fills runs. */
function paintRows(g: CanvasRenderingContext2D, data: ViewData, width: number): void {
  const n = Math.max(data.steps.length, 1);
  const cols = Math.ceil(width);
  const used = data.lanes.map(() => new Uint8Array(cols));
  for (const [j, s] of data.steps.entries()) {
    const col = Math.min(Math.floor((j / n) * cols), cols - 1);
    const lane = used[s.lane];
    if (lane !== undefined) lane[col] = 1;
  }
  const w = Math.max(width / n, 1);
  for (const [k, lane] of used.entries()) {
    g.fillStyle = laneColour(data.lanes[k] ?? '', k);
    for (let c = 0; c < cols; c++) {
      if (lane[c] === 1) g.fillRect(c, (k + 1) * ROW + 2, Math.ceil(w), ROW - 4);
    }
  }
}

function paintFindings(g: CanvasRenderingContext2D, data: ViewData, width: number): void {
  const n = Math.max(data.steps.length, 1);
  for (const f of data.findings) {
    g.fillStyle = KIND_COLOURS[f.kind] ?? '#c62828';
    g.fillRect(Math.floor((f.i / n) * width), 1, Math.max(width / n, 3), ROW - 2);
  }
}
