import type { ReportFile } from './IntegrationReport';
import { compareText } from './summarizeReport';

/**
 * Files by project, then path: the order of a report does not depend on which worker
 * finished first, so two runs of the same tests give the same report.
 */
export function sortReportFiles(files: readonly ReportFile[]): ReportFile[] {
  return [...files].sort(
    (a, b) => compareText(a.project ?? '', b.project ?? '') || compareText(a.path, b.path),
  );
}
