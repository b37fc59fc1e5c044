import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IntegrationReport } from './IntegrationReport';
import { renderHtmlReport } from './renderHtmlReport';
import { writeFileAtomically } from './writeFileAtomically';

/** The report files' names inside the output folder. */
export const REPORT_FILE_NAMES = {
  json: 'integration-report.json',
  html: 'integration-report.html',
} as const;

/**
 * Writes `integration-report.json` (and `.html`) into `outputDir`, creating it, each file
 * replaced whole so that a reader never sees half a report.
 * Returns the paths written, JSON first.
 *
 * @example
 * writeReport(report, '/repo/integration-report', { html: true });
 * // ['/repo/integration-report/integration-report.json', '/repo/integration-report/integration-report.html']
 */
export function writeReport(
  report: IntegrationReport,
  outputDir: string,
  options: { html: boolean },
): string[] {
  mkdirSync(outputDir, { recursive: true });
  const json = join(outputDir, REPORT_FILE_NAMES.json);
  writeFileAtomically(json, `${JSON.stringify(report, null, 2)}\n`);
  if (!options.html) {
    return [json];
  }
  const html = join(outputDir, REPORT_FILE_NAMES.html);
  writeFileAtomically(html, renderHtmlReport(report));
  return [json, html];
}
