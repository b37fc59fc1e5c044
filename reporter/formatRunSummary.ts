import type { ReportSummary } from './IntegrationReport';

/** Modules listed before the rest are counted in one line. */
const MODULES_SHOWN = 5;

/**
 * The few lines the reporter prints when the run ends: leaks by module, worst first, each
 * with the test that leaked most of them, then errors and config changes in one line, then
 * where the reports are.
 *
 * @example
 * formatRunSummary(report.summary, ['integration-report/integration-report.html']);
 * // Integration report: 3 leaked resources in 2 of 14 tests and scopes, 4 files
 * //   cache.store  2 leaks  temp-dir 2        worst: cache.test.js › keeps its dir (2)
 * //   ...
 */
export function formatRunSummary(summary: ReportSummary, reportPaths: readonly string[]): string {
  const lines: string[] = [];
  const scale = `${count(summary.tests, 'test')} in ${count(summary.files, 'file')}`;
  if (summary.leaked_resources === 0) {
    lines.push(`Integration report: no leaked resources, ${scale}`);
  } else {
    lines.push(
      `Integration report: ${count(summary.leaked_resources, 'leaked resource')} in ${count(summary.scopes_with_leaks, 'scope')} (${scale}), by module, worst first:`,
    );
    const shown = summary.leaks_by_module.slice(0, MODULES_SHOWN);
    const rows = shown.map((entry) => [
      entry.module,
      count(entry.count, 'leak'),
      Object.entries(entry.by_type)
        .sort((a, b) => b[1] - a[1])
        .map(([type, leaks]) => `${type} ${leaks}`)
        .join(', '),
      entry.worst[0] === undefined
        ? ''
        : `worst: ${entry.worst[0].file}${entry.worst[0].kind === 'file' ? '' : ` › ${entry.worst[0].name}`} (${entry.worst[0].count})`,
    ]);
    lines.push(...alignColumns(rows).map((row) => `  ${row}`));
    const hidden = summary.leaks_by_module.slice(MODULES_SHOWN);
    if (hidden.length > 0) {
      const leaks = hidden.reduce((total, entry) => total + entry.count, 0);
      lines.push(`  ... and ${count(hidden.length, 'more module')} with ${count(leaks, 'leak')}`);
    }
  }
  const crossings = summary.errors_by_module
    .slice(0, 3)
    .map((entry) => `${entry.source_module} → ${entry.target_module} ${entry.count}`);
  const more = summary.errors_by_module.length > 3 ? ', ...' : '';
  lines.push(
    `  ${count(summary.errors, 'cross-module error')}${crossings.length > 0 ? ` (${crossings.join(', ')}${more})` : ''}, ${count(summary.config_changes, 'config change')} to ${count(summary.config_paths_changed.length, 'path')}`,
  );
  if (summary.files_without_records > 0) {
    lines.push(
      `  ${count(summary.files_without_records, 'file')} recorded nothing: not run by the integration environment, or failed before it started.`,
    );
  }
  if (reportPaths.length > 0) {
    lines.push(`  Report: ${reportPaths.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

function alignColumns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
