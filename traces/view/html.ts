/**
 * The viewer's one HTML file: a static skeleton, the stylesheet, the view data as JSON in a
 * `<script type="application/json">` and the bundled page script, all inline (no network).
 * Every string that comes from a trace reaches the page only inside that JSON, with `<`,
 * `>`, `&` and the JavaScript line separators escaped, so no field can end the script
 * element; the page then writes it with textContent. A Content-Security-Policy allows the
 * one inline script (by hash) and nothing from anywhere else.
 */
import { DATA_ELEMENT_ID, type ViewData } from './data.ts';
import { VIEW_CSS } from './style.ts';

export interface ViewHtmlParts {
  readonly data: ViewData;
  /** The bundled page (an IIFE). */
  readonly script: string;
  /** SHA-256 in base64 (injected: hashing is the caller's), for the Content-Security-Policy. */
  readonly sha256: (text: string) => string;
}

/** JSON that may sit inside a script element: nothing in it can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Inline script text that cannot close its element early (a `</script` in a string literal). */
export function scriptForInline(script: string): string {
  return script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const SKELETON = `
<header id="top"><h1>bvsim view <span id="title"></span></h1><div id="meta"></div><div id="error" hidden></div></header>
<section id="timeline-box" aria-label="timeline"><div id="lane-names"></div><canvas id="timeline" height="60"></canvas></section>
<nav id="controls">
  <button id="first" title="before the first step (Home)">|&#x25C0;</button><button id="prev" title="previous step (&#x2190;)">&#x25C0;</button>
  <input id="slider" type="range" min="-1" max="0" value="-1" aria-label="step">
  <button id="next" title="next step (&#x2192;)">&#x25B6;</button><button id="last" title="last step (End)">&#x25B6;|</button>
  <button id="prev-finding" title="previous finding">&#x25C0; finding</button><button id="next-finding" title="next finding">finding &#x25B6;</button>
  <label>step <input id="step-input" type="number" min="-1" value="-1"></label><span id="step-of"></span>
  <label><input id="hide-freed" type="checkbox"> hide freed</label>
</nav>
<main>
  <section id="state" aria-label="state"></section>
  <aside id="side">
    <section id="event-panel" aria-label="event"></section>
    <section id="findings-panel" aria-label="findings"><h2>Findings</h2><ol id="findings-list"></ol></section>
    <section id="nearby-panel" aria-label="nearby events"><h2>Events</h2><ol id="nearby"></ol></section>
  </aside>
</main>`;

export function renderViewHtml(parts: ViewHtmlParts): string {
  const script = scriptForInline(parts.script);
  const csp = `default-src 'none'; script-src 'sha256-${parts.sha256(script)}'; style-src 'unsafe-inline'; img-src data:`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>bvsim view: ${escapeHtml(parts.data.title)}</title>`,
    `<style>${VIEW_CSS}</style>`,
    '</head><body>',
    SKELETON,
    `<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(parts.data)}</script>`,
    `<script>${script}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
