/**
 * `jest-environment-integration/reporter`: the Jest reporter (the default export), and what
 * it is built from, for tools that read or merge its reports.
 *
 * With the reporter configured, the integration environment hands every test file's records
 * to it; when the run ends it writes `integration-report.json` and `integration-report.html`
 * to `outputDir` (default `<rootDir>/integration-report`) and prints the leaks by module.
 * Without it, the environment records nothing extra.
 *
 * @example
 * // jest.config.js
 * module.exports = {
 *   testEnvironment: 'integration',
 *   reporters: ['default', ['jest-environment-integration/reporter', { outputDir: 'integration-report' }]],
 * };
 */
import { IntegrationReporter } from '../reporter/IntegrationReporter';

export default IntegrationReporter;
export { IntegrationReporter };
export type { ReporterGlobalConfig, ReporterTest } from '../reporter/IntegrationReporter';
export type { IntegrationReporterOptions } from '../reporter/reporterOptions';
export { mergeReports } from '../reporter/mergeReports';
export type { NamedReport } from '../reporter/mergeReports';
export { renderHtmlReport } from '../reporter/renderHtmlReport';
export { summarizeReport, leakedRecordsOf } from '../reporter/summarizeReport';
export { REPORT_FORMAT, REPORT_VERSION } from '../reporter/IntegrationReport';
export type {
  ConfigChangeEventJSON,
  ConfigPathChanges,
  ErrorContextJSON,
  IntegrationReport,
  LeakMode,
  ModuleErrors,
  ModuleLeaks,
  ReportConflict,
  ReportFile,
  ReportRun,
  ReportScope,
  ReportSource,
  ReportSummary,
  ResourceRecordJSON,
  ScopeReference,
} from '../reporter/IntegrationReport';
