// Opening a report in Debian's chromium, headless, through puppeteer-core (no browser download): how long
// the page took to render, what each chart exposes, and any console error. Shared by tests and the bench.

/* global document -- page.evaluate callbacks run in the browser */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.GAMEDAY_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Start headless chromium with an empty profile; throws with an install hint when it is missing. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set GAMEDAY_CHROMIUM`,
    );
  }
  const { default: puppeteer } = await import('puppeteer-core');
  const profile = mkdtempSync(join(tmpdir(), 'gameday-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: FLAGS,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Open `htmlFile`, wait for the page to say it rendered, and read back what its charts expose.
 * `screenshot`: a PNG path for a full-page screenshot.
 */
export async function openReport(browser, htmlFile, { screenshot, timeoutMs = 30_000, width = 1200 } = {}) {
  const page = await browser.newPage();
  const consoleErrors = [];
  const requests = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  try {
    await page.setViewport({ width, height: 900 });
    const started = Date.now();
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load', timeout: timeoutMs });
    await page.waitForSelector('body[data-rendered]', { timeout: timeoutMs });
    const wallMs = Date.now() - started;
    const state = await page.evaluate(() => ({
      readyMs: Number(document.body.dataset.readyMs),
      renderMs: Number(document.body.dataset.renderMs),
      verdict: document.getElementById('verdict')?.textContent ?? null,
      charts: [...document.querySelectorAll('[data-chart]')].map((el) => ({
        chart: el.getAttribute('data-chart'),
        attrs: { ...el.dataset },
        canvases: el.querySelectorAll('canvas').length,
      })),
      gantts: [...document.querySelectorAll('svg[data-gantt]')].map((el) => ({
        name: el.getAttribute('data-gantt'),
        bars: el.querySelectorAll('rect.bar').length,
      })),
      sections: [...document.querySelectorAll('section[id]')].map((s) => s.id),
    }));
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    const external = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
    return { ...state, wallMs, consoleErrors, external };
  } finally {
    await page.close().catch(() => undefined);
  }
}
