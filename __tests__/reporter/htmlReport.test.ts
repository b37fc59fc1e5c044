import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { renderHtmlReport } from '../../reporter/renderHtmlReport';
import { launchChromium, openReport } from './openInChromium';
import { file, report, resource, scope, syntheticReport } from './reportBuilders';
import { runReporterFixture } from './runReporterFixture';
import type { ReporterRun } from './runReporterFixture';

/**
 * `integration-report.html` in headless Chromium: the report of a real run of the reporter
 * fixture, a synthetic run of 2,000 tests, and a report holding hostile values.
 */
let browser: Browser;
let run: ReporterRun;
let folder: string;

beforeAll(async () => {
  run = await runReporterFixture('reporter', { jest: 30, args: ['--runInBand'] });
  folder = mkdtempSync(join(tmpdir(), 'html-report-'));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  run?.remove();
  rmSync(folder, { recursive: true, force: true });
});

const TAB = (name: string) => `nav.tabs [data-tab="${name}"]`;

describe('the report of a fixture run', () => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ page, problems } = await openReport(
      browser,
      join(run.project, 'integration-report', 'integration-report.html'),
    ));
  }, 30_000);

  afterAll(() => page?.close());

  const leakedDir =
    '.group[data-file="cache.test.js"] .row[data-scope="leaks its temp dir"] .bar[data-resource-id="/tmp/cache-leaked"]';

  test('loads without console errors, and asks nothing of the network', async () => {
    await expect(page.title()).resolves.toBe('Integration report: 5 leaked resources, 14 tests');
    expect(problems).toEqual([]);
  });

  test('shows the leaked temp dir on its test’s timeline, highlighted as a leak', async () => {
    const bar = page.locator(leakedDir);

    expect(await bar.isVisible()).toBe(true);
    expect(await bar.getAttribute('data-state')).toBe('leaked');
    expect(await bar.getAttribute('class')).toBe('bar leaked still-open');
    expect(await bar.textContent()).toBe('temp-dir · /tmp/cache-leaked');
  });

  test('says where the leak was created when the bar is hovered', async () => {
    await page.hover(leakedDir);

    const tooltip = page.locator('#tooltip');
    expect(await tooltip.isVisible()).toBe(true);
    const text = await tooltip.innerText();
    expect(text.replace(/\+[\d.]+ m?s/g, '+<t>')).toMatchInlineSnapshot(`
     "temp-dir · /tmp/cache-leaked
     owned by cache.store
     opened at +<t>, never released
     LEAKED: still open when the test ended
     created at cache.test.js:11:25"
    `);
  });

  test('opens the whole record, with its creation stack, when the bar is clicked', async () => {
    await page.click(leakedDir);

    const drawer = page.locator('#drawer');
    expect(await drawer.getAttribute('data-open')).toBe('true');
    expect(await drawer.locator('dl').innerText()).toContain('creation site\ncache.test.js:11:25');
    expect(await drawer.locator('pre').first().innerText()).toMatch(
      /^created here\n {4}at .*cache\.test\.js:11:25/,
    );
    await page.keyboard.press('Escape');
    expect(await drawer.getAttribute('data-open')).toBe('false');
  });

  test('lists leaks by module, and leads from a module’s worst test to its timeline', async () => {
    await page.click(TAB('leaks'));

    expect(
      await page
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-module'))),
    ).toEqual(['api.server', 'cache.store', 'db.client', 'db.pool', 'metrics.exporter']);
    await page.click('tr[data-module="cache.store"] button.link');
    expect(await page.locator(`${TAB('timeline')}[aria-selected="true"]`).count()).toBe(1);
    expect(await page.locator('input[type=search]').inputValue()).toBe('leaks its temp dir');
    expect(await page.locator(leakedDir).isVisible()).toBe(true);
  });

  test('filters the timeline as one types', async () => {
    await page.click(TAB('timeline'));
    await page.selectOption('select[aria-label="Show"]', 'all');
    await page.fill('input[type=search]', 'db.pool');
    await page.locator('.row[data-scope="with a shared pool"]').waitFor();

    expect(await page.locator('.row').count()).toBe(1);
    expect(await page.locator('.row .bar').getAttribute('data-resource-id')).toBe('pool:shared');
  });

  test('draws the modules errors crossed, and lists the errors of one pair when its arrow is clicked', async () => {
    await page.click(TAB('errors'));

    expect(
      await page
        .locator('svg g.node')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-module'))),
    ).toEqual(['cache.store', 'chunker.parser', 'chunker.pipeline', 'cli.main']);
    expect(
      await page
        .locator('svg g.edge')
        .evaluateAll((edges) => edges.map((edge) => edge.getAttribute('data-edge'))),
    ).toEqual([
      'cache.store -> chunker.pipeline',
      'chunker.parser -> cli.main',
      'chunker.pipeline -> cli.main',
    ]);
    await page.click('svg g.edge[data-edge="chunker.parser -> cli.main"] text');
    expect(await page.locator('tbody tr').allInnerTexts()).toEqual([
      'chunker.parser → cli.main\tparse\tSyntaxError\tUnexpected token } at 3:7\terrors.test.js › carries a parse error to the CLI',
    ]);
  });

  test('lists config changes with their old and new values and the modules they affect', async () => {
    await page.click(TAB('config'));

    expect(await page.locator('tr[data-config-path="env.CACHE_DIR"]').innerText()).toBe(
      'env.CACHE_DIR\t(unset)\t"/tmp/elsewhere"\tcache.store\tconfig.test.js › points the cache elsewhere\t' +
        (await page.locator('tr[data-config-path="env.CACHE_DIR"] td.num').innerText()),
    );
    expect(problems).toEqual([]);
  });
});

describe('the report of a run of 2,000 tests', () => {
  let page: Page;
  let problems: string[];
  let loadMs: number;

  beforeAll(async () => {
    const path = join(folder, 'large.html');
    writeFileSync(path, renderHtmlReport(syntheticReport(200, 10)));
    const started = Date.now();
    ({ page, problems } = await openReport(browser, path));
    await page.locator('.group').first().waitFor();
    loadMs = Date.now() - started;
  }, 30_000);

  afterAll(() => page?.close());

  test('opens in a few seconds, one page of files at a time, groups collapsed but a few leaky ones', async () => {
    expect(problems).toEqual([]);
    expect(loadMs).toBeLessThan(5000);
    expect(await page.locator('.group').count()).toBe(40);
    expect(await page.locator('.group[data-open="true"]').count()).toBe(6);
    expect(await page.locator('.pager span').innerText()).toMatch(/^Page 1 of \d+$/);
  });

  test('shows every file, a page at a time', async () => {
    await page.selectOption('select[aria-label="Show"]', 'all');
    expect(await page.locator('.pager span').innerText()).toBe('Page 1 of 5');

    await page.click('.pager button:has-text("Next")');

    expect(await page.locator('.pager span').innerText()).toBe('Page 2 of 5');
    expect(await page.locator('.group').first().getAttribute('data-file')).toBe(
      'src/area040/feature.test.ts',
    );
  });

  test('finds one test among 2,000 by a few words of its name, and shows its timeline when opened', async () => {
    await page.fill('input[type=search]', 'handles input 1234');
    await page.locator('.group').nth(1).waitFor({ state: 'detached' });
    await page.click('.group-head');

    expect(await page.locator('.row').count()).toBe(1);
    expect(await page.locator('.row .bar').count()).toBe(3);
  });

  test('draws the errors of six modules that form a cycle, and pages through 181 config changes', async () => {
    await page.click(TAB('errors'));
    expect(await page.locator('svg g.node').count()).toBe(6);
    expect(await page.locator('svg g.edge').count()).toBe(6);

    await page.click(TAB('config'));
    expect(await page.locator('tbody tr').count()).toBe(100);
    expect(await page.locator('.pager span').innerText()).toBe('Page 1 of 2');
    expect(problems).toEqual([]);
  });
});

test('shows a recorded `</script>` as text, without running it', async () => {
  const hostile = '</script><script>window.hacked = true</script>';
  const path = join(folder, 'hostile.html');
  writeFileSync(
    path,
    renderHtmlReport(
      report([
        file('<b>bold</b>.test.ts', [
          scope(hostile, {
            status: 'failed',
            resources: [resource(hostile, 'timer', '<img src=x onerror=alert(1)>', { to: null })],
            leaked_resource_ids: [hostile],
          }),
        ]),
      ]),
    ),
  );

  const { page, problems } = await openReport(browser, path);

  expect(problems).toEqual([]);
  expect(await page.evaluate('typeof window.hacked')).toBe('undefined');
  expect(await page.locator('.group-head .path').innerText()).toBe('<b>bold</b>.test.ts');
  expect(await page.locator('.bar').getAttribute('data-resource-id')).toBe(hostile);
  await page.close();
});
