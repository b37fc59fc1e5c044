/**
 * `npm run report:screenshot`: runs the reporter's showcase fixture
 * (`__tests__/fixtures/reporter-showcase`) under Jest 30 with the reporter, opens the
 * `integration-report.html` it wrote in Debian's Chromium, and saves the README's picture
 * of it, `docs/integration-report.png`: the timelines of the tests that opened resources,
 * with a leak's creation site on hover.
 */
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { launchChromium, openReport } from '../__tests__/reporter/openInChromium';
import { runReporterFixture } from '../__tests__/reporter/runReporterFixture';

const OUTPUT = resolve(__dirname, '..', 'docs', 'integration-report.png');

async function main(): Promise<void> {
  const run = await runReporterFixture('reporter-showcase', { jest: 30, args: ['--runInBand'] });
  const browser = await launchChromium();
  try {
    if (run.report === undefined) {
      throw new Error(`The showcase run wrote no report:\n${run.run.stderr.slice(-3000)}`);
    }
    const html = join(run.project, 'integration-report', 'integration-report.html');
    const { page, problems } = await openReport(browser, html, { width: 1280, height: 900 }, 2);
    await page.selectOption('select[aria-label="Show"]', 'resources');
    await page.click('button:has-text("Expand page")');
    await page.hover('.bar[data-resource-id="fd:out.parquet"]');
    if (problems.length > 0) {
      throw new Error(`The report page had problems:\n${problems.join('\n')}`);
    }
    mkdirSync(resolve(OUTPUT, '..'), { recursive: true });
    await page.screenshot({ path: OUTPUT });
    process.stdout.write(`Wrote ${relative(process.cwd(), OUTPUT)}\n`);
  } finally {
    await browser.close();
    run.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as { stack?: unknown } | null)?.stack ?? error)}\n`);
  process.exitCode = 1;
});
