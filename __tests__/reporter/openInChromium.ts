import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); playwright-core downloads no browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium in a sandboxed CI machine without network: no background
 * connections (refused here, and noisy), no GPU, no first-run work.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The HTML report is tested in Debian's Chromium, expected at ${CHROMIUM}: install it with \`apt-get install -y chromium\`.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** A report page, and everything it did that a self-contained page must not. */
export interface OpenedReport {
  page: Page;
  /** Console errors and warnings, uncaught errors, failed requests, requests beyond the file. */
  problems: string[];
}

/** Opens an HTML file in a fresh page and watches it for errors and network use. */
export async function openReport(
  browser: Browser,
  file: string,
  viewport = { width: 1280, height: 800 },
  deviceScaleFactor = 1,
): Promise<OpenedReport> {
  const context = await browser.newContext({ viewport, deviceScaleFactor });
  const page = await context.newPage();
  const problems: string[] = [];
  const url = `file://${file}`;
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('request', (request) => {
    if (request.url() !== url) {
      problems.push(`request beyond the file: ${request.url()}`);
    }
  });
  await page.goto(url);
  return { page, problems };
}
