// The viewer in a real browser: Debian's chromium, driven by playwright-core, opens pages
// that `bvsim view` wrote, moves the slider, clicks the timeline and the finding list, and
// checks what is drawn against the model's state; a hostile trace must not run script.
// Screenshots go to test-artifacts/. Without /usr/bin/chromium the suite fails and says why.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../core/index.ts';
import { decodeTrace, statesAfterSteps } from '../../traces/index.ts';
import { runCli } from '../e2e/memory_io.ts';
import { DEVICE_BY, DEVICE_EVENTS, HOSTILE, hostileText, longEvents, recordedText } from '../traces/view_fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const REGRESSION = readFileSync(new URL('../regressions/data.misplaced__bvecq_empty.trace.jsonl', import.meta.url), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'bvsim-view-'));

/** Runs `bvsim view` on a trace text and puts the page in a temporary directory. */
function viewPage(name: string, text: string): string {
  const r = runCli(['view', `${name}.jsonl`, '--out', `${name}.html`], { [`${name}.jsonl`]: text });
  // view is synchronous: its exit code is a number, never a promise.
  if (r.code !== 0) throw new Error(`bvsim view failed: ${r.err}`);
  const path = join(work, `${name}.html`);
  writeFileSync(path, r.io.files.get(`${name}.html`) ?? '');
  return path;
}

const MISSING = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing: the viewer's browser tests need Debian's chromium. Install it: apt-get update && apt-get install -y chromium`;
let context: BrowserContext | null = null;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (MISSING !== null) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'bvsim-chromium-')), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 1000 } });
  // Generous: a loaded CI machine opens the 12 MB page of the long trace slowly.
  context.setDefaultTimeout(60_000);
  context.on('weberror', (e) => pageErrors.push(String(e.error())));
  // Starting chromium on a busy two-core machine can take longer than vitest's 10 s hook limit.
}, 120_000);

afterAll(async () => {
  await context?.close();
}, 60_000);

/** Every test fails, with the install line, when the browser is missing: never a silent skip. */
async function open(path: string, hash = ''): Promise<Page> {
  if (context === null) throw new Error(MISSING ?? 'chromium did not start');
  const page = await context.newPage();
  await page.goto(`${pathToFileURL(path).href}${hash}`);
  await page.waitForSelector('body[data-step]');
  return page;
}

async function slideTo(page: Page, step: number): Promise<void> {
  await page.locator('#slider').fill(String(step));
  await page.waitForSelector(`body[data-step="${step}"]`);
}

const shownStep = async (page: Page): Promise<number> => Number(await page.locator('body').getAttribute('data-step'));
const text = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).first().textContent()) ?? '';

describe('bvsim view in chromium', () => {
  it('should open the regression trace at its finding, highlighted, and redraw when the slider moves', async () => {
    const page = await open(viewPage('misplaced', REGRESSION));
    expect(await shownStep(page)).toBe(16);
    expect(await page.locator('#findings-list li.current[data-finding="data.misplaced"]').count()).toBe(1);
    expect(await text(page, '#event-panel .finding.invariant')).toMatch(/^invariant data\.misplaced: iter 0: copy into the window/);
    expect(await page.locator('[data-bvecq="2"] [data-slot="0"] .marker[data-iter="0"]').count()).toBe(1);
    expect(await text(page, '[data-bvecq="1"] [data-field="ref"]')).toBe('ref 1');
    await page.screenshot({ path: join(ARTIFACTS, 'view-misplaced-step16.png'), fullPage: true });

    await slideTo(page, 15);
    expect(await page.locator('[data-bvecq="0"] [data-slot="0"] .marker[data-iter="0"]').textContent()).toBe('iter 0 +0 · 8192 B left');
    expect(await page.locator('#findings-list li.current').count()).toBe(0);
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('body[data-step="14"]');
    expect(await page.locator('.marker').count()).toBe(0);
    expect(await text(page, '#event-panel h2')).toBe('Step 14 trace kbuf_alloc');
    await page.close();
  });

  it('should draw shared bio vectors, chain counts and in-flight I/O', async () => {
    const page = await open(viewPage('device', recordedText(DEVICE_EVENTS, { by: DEVICE_BY })), '#step=8');
    expect(await text(page, '[data-bio="2"]')).toContain("bio 1's table @0 (shared)");
    expect(await text(page, '[data-bio="1"] [data-field="remaining"]')).toBe('2');
    expect(await page.locator('tr[data-io]').allTextContents()).toEqual(['12in flight4096', '21in flight3072']);
    expect(await text(page, '#lane-names')).toBe('findingsactor:fsactor:splitdevice:blkdev');
    await page.screenshot({ path: join(ARTIFACTS, 'view-device-step8.png'), fullPage: true });
    await slideTo(page, 9);
    expect(await text(page, '[data-bio="1"] [data-field="remaining"]')).toBe('1');
    await slideTo(page, 10);
    expect(await page.locator('.freed-list [data-bio="1"]').count()).toBe(1);
    await page.locator('#hide-freed').check();
    // Polled from Node: the page's CSP forbids the string evaluation waitForFunction uses.
    await expect.poll(() => page.locator('.freed-list').count()).toBe(0);
    expect(await page.locator('tr[data-io]').count()).toBe(0);
    await page.close();
  });

  it('should stay exact on a 100,000-event trace: slider, timeline clicks and the finding list', async () => {
    const trace = recordedText(longEvents(10_000));
    const decoded = decodeTrace(trace);
    if (!decoded.ok) throw new Error(decoded.error.message);
    const n = decoded.value.steps.length;
    const finding = decoded.value.steps.findIndex((s) => s.findings !== undefined);
    const page = await open(viewPage('long', trace));
    expect(n).toBeGreaterThan(100_000);
    expect(await shownStep(page)).toBe(finding);

    const probe = [n - 1, 50_123, 99_998];
    const states = statesAfterSteps(decoded.value, probe, DEFAULT_OPTIONS);
    if (!states.ok) throw new Error(states.error.message);
    for (const s of probe) {
      await slideTo(page, s);
      const w = states.states.get(s);
      expect(await text(page, 'tr[data-folio="1"] td[data-field="refcount"]'), `step ${s}`).toBe(String(w?.folios[1]?.refcount));
      expect(await text(page, '[data-bvecq="1"] [data-field="ref"]'), `step ${s}`).toBe(`ref ${w?.bvecqs[1]?.ref ?? ''}`);
      expect(await text(page, 'tr[data-iter="0"] td[data-field="count"]'), `step ${s}`).toBe(String(w?.iters[0]?.count));
    }

    const box: { x: number; y: number; width: number; height: number } | null = await page.locator('#timeline').boundingBox();
    if (box === null) throw new Error('no timeline');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('body').getAttribute('data-step')).not.toBe('99998');
    expect(Math.abs((await shownStep(page)) - n / 2)).toBeLessThan(n / 100);
    await page.locator('#findings-list button').first().click();
    await page.waitForSelector(`body[data-step="${finding}"]`);
    expect(await page.locator('#findings-list li.current').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'view-long-finding.png') });
    await page.close();
  });

  it('should show markup from a hostile trace as text and run none of it', async () => {
    const page = await open(viewPage('hostile', hostileText()), '#step=0');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('body img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    expect(await text(page, '#event-panel .note')).toBe(HOSTILE);
    expect(JSON.parse(await text(page, '#meta pre'))).toEqual({ note: HOSTILE, [HOSTILE]: 1 });
    expect(await page.title()).toBe('bvsim view: hostile.jsonl');
    await slideTo(page, 3);
    expect(await text(page, '#event-panel .finding.bug')).toMatch(/^bug folio\.put_underflow/);
    await page.screenshot({ path: join(ARTIFACTS, 'view-hostile.png'), fullPage: true });
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await page.close();
  });

  it('should raise no script error on any page', () => {
    expect(MISSING).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
