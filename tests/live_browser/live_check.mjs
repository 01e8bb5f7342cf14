// Drive headless Debian Chromium through the site's live code (JupyterLite + Pyodide).
//
// Usage: node live_check.mjs '<json config>'   (tests/site/test_live_browser.py runs it)
// Config: {base, chapter, first, second, widget, widgetFirst, widgetSecond, screenshot,
// chromium}: base is the local server (http://127.0.0.1:PORT), chapter a page path under it,
// first/second the code of the cell before and after the edit, widget the code of a cell that
// shows an ipywidgets slider, widgetFirst/widgetSecond regular expressions (source text) its
// output must match before and after the slider is moved one step right (a click on its
// track), screenshot a PNG path, chromium the browser's executable.
// It refuses every request that is not to base and records it, opens the chapter, follows
// its "Run this chapter live" link (a new tab), waits for the Pyodide kernel, inserts a code
// cell at the top, runs it, edits and reruns it, runs the widget cell below it and moves its
// slider, saves, reloads, then deletes the saved copy in JupyterLite's file browser and
// reopens the chapter. It asserts nothing: it prints one JSON report on stdout (what it saw,
// times, refused requests, console messages, page errors), and the Python test judges it.
// A step that fails ends the run with {error, step} in the report.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// playwright-core 1.64 needs Node.js 20 (the Python test checks this too, before running it).
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 20) {
  process.stderr.write(`Node.js 20 or later is needed, found ${process.version}\n`);
  process.exit(2);
}
const { chromium } = await import('playwright-core');

const cfg = JSON.parse(process.argv[2]);
const origin = new URL(cfg.base).origin;
const report = { steps: [], refused: [], failed: [], httpErrors: [], console: [], pageErrors: [],
                 dialogs: [], wasmTypes: [] };
const t0 = Date.now();
const since = () => (Date.now() - t0) / 1000;
const log = (msg) => process.stderr.write(`[live ${since().toFixed(1)}s] ${msg}\n`);
let step = 'launch';
const begin = (name) => { step = name; report.steps.push({ name, at: since() }); log(name); };

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'live-browser-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: cfg.chromium || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         // Second wall: every host name but the local server's address fails to resolve.
         '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});

// First wall: every request (pages, workers, the service worker) not to the local server is
// aborted and recorded.
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (new URL(url).origin === origin) return route.continue();
  report.refused.push(url);
  return route.abort('blockedbyclient');
});
context.on('requestfailed', (r) => {
  report.failed.push({ url: r.url(), error: r.failure()?.errorText });
});
context.on('response', (r) => {
  if (r.status() >= 400) report.httpErrors.push({ url: r.url(), status: r.status() });
  if (new URL(r.url()).pathname.endsWith('.wasm')) {
    report.wasmTypes.push({ url: r.url(), type: r.headers()['content-type'] });
  }
});
const watch = (page) => {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') {
      report.console.push({ type: m.type(), text: m.text().slice(0, 500), page: page.url(),
                            source: m.location().url });
    }
  });
  page.on('pageerror', (e) => report.pageErrors.push(
    { text: String(e.stack || e).slice(0, 500), page: page.url() }));
  page.on('dialog', (d) => { report.dialogs.push(d.type()); d.accept(); });
};

const cellSel = '.jp-Notebook .jp-Cell';
let live = null;

// The status of the notebook's kernel, as the toolbar's execution indicator shows it.
const kernelStatus = (page) => page.evaluate(
  () => document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status ?? null);

// Poll until the kernel goes from starting (any status but idle) to idle; the indicator shows
// "idle" for a moment before the kernel is created, so an idle before that does not count.
async function waitForKernel(page, timeoutMs) {
  const seen = [];
  let started = false;
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const s = await kernelStatus(page);
    if (s !== (seen.length ? seen[seen.length - 1].status : undefined)) {
      seen.push({ status: s, at: since() });
    }
    if (s && s !== 'idle') started = true;
    if (started && s === 'idle') return seen;
    await page.waitForTimeout(100);
  }
  throw new Error(`kernel not ready after ${timeoutMs / 1000} s; statuses: `
                  + JSON.stringify(seen));
}

// Wait until cell i's prompt shows execution count n, then return its output text.
async function waitForRun(page, n, timeoutMs, i = 0) {
  await page.waitForFunction(
    ([sel, k, want]) => document.querySelectorAll(sel)[k]?.querySelector('.jp-InputPrompt')
      ?.textContent.trim() === want,
    [cellSel, i, `[${n}]:`], { timeout: timeoutMs, polling: 100 });
  return page.locator(cellSel).nth(i).locator('.jp-OutputArea-output').allInnerTexts();
}

// Wait until the output of cell i matches the regular expression re; return its text.
async function waitForOutput(page, i, re, timeoutMs) {
  const handle = await page.waitForFunction(([sel, k, source]) => {
    const text = document.querySelectorAll(sel)[k]?.querySelector('.jp-Cell-outputArea')
      ?.innerText;
    return text && new RegExp(source, 'm').test(text) ? text : false;
  }, [cellSel, i, re], { timeout: timeoutMs, polling: 100 });
  return handle.jsonValue();
}

// The saved copy of a notebook in the browser's storage (IndexedDB "JupyterLite Storage",
// object store "files"): its code cells' sources, or null if there is none.
const savedCopy = (page, name) => page.evaluate(async (key) => {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open('JupyterLite Storage');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  try {
    if (!db.objectStoreNames.contains('files')) return null;
    const file = await new Promise((resolve) => {
      const q = db.transaction('files').objectStore('files').get(key);
      q.onsuccess = () => resolve(q.result);
      q.onerror = () => resolve(null);
    });
    if (!file) return null;
    return file.content.cells.filter((c) => c.cell_type === 'code').map(
      (c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
  } finally { db.close(); }
}, name);

// The first cell of the notebook open in page, once the notebook is loaded (while it loads,
// the view shows one empty code cell; a chapter has many cells).
const firstCell = async (page) => {
  await page.locator(cellSel).nth(1).waitFor({ timeout: 30000 }).catch(() => {});
  const cell = page.locator(cellSel).first();
  return { classes: await cell.getAttribute('class'),
           text: (await cell.innerText()).slice(0, 300) };
};

try {
  begin('open chapter');
  const page = await context.newPage();
  watch(page);
  await page.goto(`${cfg.base}/${cfg.chapter}`);
  const link = page.getByRole('link', { name: /Run this chapter live/ });
  report.link = { href: await link.getAttribute('href'),
                  target: await link.getAttribute('target') };
  report.linkNote = await page.locator('.live-code-note').first().innerText();

  begin('follow the live link');
  report.clickAt = Date.now();
  const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
  live = popup;
  watch(live);
  await live.waitForLoadState('domcontentloaded');
  report.liveUrl = live.url();

  begin('wait for the kernel');
  report.kernelStatuses = await waitForKernel(live, cfg.kernelTimeout || 150000);
  report.readyAt = Date.now();
  report.secondsToReady = (report.readyAt - report.clickAt) / 1000;
  report.title = await live.title();
  report.firstCellOnOpen = await firstCell(live);
  report.serviceWorker = await live.evaluate(() => !!navigator.serviceWorker?.controller);
  report.kernelName = await live.locator('.jp-KernelName').first().innerText({ timeout: 5000 })
    .catch(() => null);

  begin('insert and run a cell');
  const cells = live.locator(cellSel);
  const top = cells.first();
  await top.click({ position: { x: 5, y: 5 } });    // select the first cell
  await live.keyboard.press('Escape');               // command mode
  await live.keyboard.press('a');                    // insert a code cell above it
  await live.keyboard.press('Enter');                // edit it
  await live.keyboard.insertText(cfg.first);
  report.firstSource = await top.locator('.cm-content').innerText();
  const t1 = Date.now();
  await live.keyboard.press('Shift+Enter');
  report.firstOutput = await waitForRun(live, 1, 120000);
  report.firstRunDoneAt = Date.now();
  report.firstRunSeconds = (Date.now() - t1) / 1000;

  begin('edit and rerun the cell');
  await top.locator('.cm-content').click();
  await live.keyboard.press('Control+A');
  await live.keyboard.insertText(cfg.second);
  report.secondSource = await top.locator('.cm-content').innerText();
  const t2 = Date.now();
  await live.keyboard.press('Shift+Enter');
  report.secondOutput = await waitForRun(live, 2, 60000);
  report.secondRunSeconds = (Date.now() - t2) / 1000;

  begin('run a widget cell and move its slider');
  await top.click({ position: { x: 5, y: 5 } });    // select the first cell again
  await live.keyboard.press('Escape');               // command mode
  await live.keyboard.press('b');                    // insert a code cell below it
  await live.keyboard.press('Enter');
  await live.keyboard.insertText(cfg.widget);
  const t3 = Date.now();
  await live.keyboard.press('Shift+Enter');
  await waitForRun(live, 3, 60000, 1);
  const widgetCell = cells.nth(1);
  report.widgetOutput = await waitForOutput(live, 1, cfg.widgetFirst, 30000)
    .catch(async () => (await widgetCell.locator('.jp-Cell-outputArea').innerText()));
  report.widgetRunSeconds = (Date.now() - t3) / 1000;
  const handle = widgetCell.locator('.widget-slider .noUi-handle');
  report.sliderShown = await handle.count() === 1;
  report.readoutBefore = await widgetCell.locator('.widget-readout').first().innerText()
    .catch(() => null);
  if (report.sliderShown) {
    // One step right: a click on the track where the next value sits. (ArrowRight on the
    // focused handle does not move it: the notebook takes the focus back to its active cell.)
    const [min, max, now] = await Promise.all(['aria-valuemin', 'aria-valuemax',
      'aria-valuenow'].map(async (a) => Number(await handle.getAttribute(a))));
    const track = await widgetCell.locator('.widget-slider .noUi-base').boundingBox();
    report.sliderClick = { min, max, from: now, to: now + 1 };
    const t4 = Date.now();
    await live.mouse.click(track.x + track.width * (now + 1 - min) / (max - min),
                           track.y + track.height / 2);
    report.widgetOutputAfter = await waitForOutput(live, 1, cfg.widgetSecond, 30000)
      .catch(async () => (await widgetCell.locator('.jp-Cell-outputArea').innerText()));
    report.sliderSeconds = (Date.now() - t4) / 1000;
    report.readoutAfter = await widgetCell.locator('.widget-readout').first().innerText();
  }
  if (cfg.screenshot) await live.screenshot({ path: cfg.screenshot });

  begin('save and reload');
  const name = new URL(report.liveUrl).searchParams.get('path');
  report.savedBeforeSave = await savedCopy(live, name);
  await live.keyboard.press('Control+s');
  const saveEnd = Date.now() + 15000;
  while (Date.now() < saveEnd) {
    report.savedAfterSave = await savedCopy(live, name);
    if (report.savedAfterSave && report.savedAfterSave[0] === cfg.second) break;
    await live.waitForTimeout(200);
  }
  await live.reload();
  report.firstCellAfterReload = await firstCell(live);

  begin('delete the saved copy in the file browser');
  await live.goto(new URL('../tree/index.html', report.liveUrl).href);
  const item = live.locator('.jp-DirListing-item', { hasText: name });
  await item.click({ button: 'right', timeout: 30000 });
  await live.locator('.lm-Menu-itemLabel', { hasText: /^Delete$/ }).first().click();
  await live.locator('.jp-Dialog button.jp-mod-accept').click();
  await item.waitFor({ state: 'attached', timeout: 15000 });   // the site's file is still listed
  const delEnd = Date.now() + 15000;
  do {
    report.savedAfterDelete = await savedCopy(live, name);
    if (report.savedAfterDelete === null) break;
    await live.waitForTimeout(200);
  } while (Date.now() < delEnd);
  await live.goto(report.liveUrl);
  report.firstCellAfterDelete = await firstCell(live);
  begin('done');
} catch (e) {
  report.error = String(e.stack || e).slice(0, 2000);
  report.failedStep = step;
  if (cfg.screenshot && live) await live.screenshot({ path: cfg.screenshot }).catch(() => {});
} finally {
  report.seconds = since();
  await context.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(report) + '\n');
}
