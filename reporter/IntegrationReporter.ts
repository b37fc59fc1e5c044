import { relative } from 'node:path';
import { BRAND } from '../src/brand';
import { describeValue } from '../src/describeValue';
import { isErrorLike } from '../src/isErrorLike';
import { buildReportFile } from './buildReportFile';
import type { JestFileResult } from './buildReportFile';
import { formatRunSummary } from './formatRunSummary';
import { REPORT_FORMAT, REPORT_VERSION } from './IntegrationReport';
import type { IntegrationReport, ReportFile } from './IntegrationReport';
import { openChannel } from './RecordsChannel';
import type { RecordsChannel } from './RecordsChannel';
import { resolveReporterOptions } from './reporterOptions';
import type { IntegrationReporterOptions, ResolvedReporterOptions } from './reporterOptions';
import { sortReportFiles } from './sortReportFiles';
import { summarizeReport } from './summarizeReport';
import { writeReport } from './writeReport';

/** The parts of Jest's global config the reporter reads (Jest 29 and 30 alike). */
export interface ReporterGlobalConfig {
  rootDir: string;
  shard?: { shardIndex: number; shardCount: number } | null;
}

/** The parts of a Jest `Test` the reporter reads. */
export interface ReporterTest {
  path: string;
  context?: { config?: { id?: unknown; displayName?: unknown } };
}

/**
 * `jest-environment-integration/reporter`: collects every test file's records from the
 * integration environment and, when the run ends, writes `integration-report.json` and
 * `integration-report.html` and prints the leaks by module.
 *
 * @example
 * // jest.config.js
 * module.exports = {
 *   testEnvironment: 'integration',
 *   reporters: ['default', ['jest-environment-integration/reporter', { outputDir: 'integration-report' }]],
 * };
 */
export class IntegrationReporter {
  readonly #rootDir: string;
  readonly #shard: string | null;
  readonly #options: ResolvedReporterOptions;
  readonly #files: ReportFile[] = [];
  #channel: RecordsChannel | undefined;
  #startedAt: number | null = null;
  #lastError: Error | undefined;

  /**
   * Jest calls `new Reporter(globalConfig, reporterOptions, reporterContext)`.
   *
   * @throws IntegrationError `INVALID_OPTION` for an unknown option or a wrong value.
   */
  constructor(
    globalConfig?: Partial<ReporterGlobalConfig>,
    reporterOptions?: IntegrationReporterOptions,
    _reporterContext?: unknown,
  ) {
    this.#rootDir = globalConfig?.rootDir ?? process.cwd();
    const shard = globalConfig?.shard;
    this.#shard = shard ? `${shard.shardIndex}/${shard.shardCount}` : null;
    this.#options = resolveReporterOptions(reporterOptions, this.#rootDir);
  }

  get [BRAND](): 'IntegrationReporter' {
    return 'IntegrationReporter';
  }

  /** Opens this run's records channel; Jest starts its workers after this returns. */
  onRunStart(results?: { startTime?: number }): void {
    this.#files.length = 0;
    this.#lastError = undefined;
    this.#startedAt = typeof results?.startTime === 'number' ? results.startTime : Date.now();
    this.#channel?.close();
    this.#channel = openChannel();
  }

  /** Takes the file's records, written by its environment before Jest reported the file. */
  onTestFileResult(test: ReporterTest, testResult: JestFileResult): void {
    const config = test.context?.config;
    const projectId = String(config?.id ?? '');
    this.#files.push(
      buildReportFile({
        result: testResult,
        records: this.#channel?.read(projectId, test.path),
        rootDir: this.#rootDir,
        project: displayNameOf(config?.displayName),
      }),
    );
  }

  /** Writes the reports, prints the summary and removes the run's records folder. */
  onRunComplete(): void {
    try {
      const report = this.report();
      const written = writeReport(report, this.#options.outputDir, { html: this.#options.html });
      if (this.#options.summary) {
        const shown = written.map((file) => relative(process.cwd(), file) || file);
        process.stderr.write(`\n${formatRunSummary(report.summary, shown.slice(-1))}`);
      }
    } catch (error) {
      const reason = isErrorLike(error) ? error.message : describeValue(error);
      this.#lastError = new Error(
        `jest-environment-integration/reporter could not write the integration report to ${this.#options.outputDir}: ${reason}`,
        { cause: error },
      );
      process.stderr.write(`${this.#lastError.message}\n`);
    } finally {
      this.#channel?.close();
      this.#channel = undefined;
    }
  }

  /** The report of the run so far, as `integration-report.json` holds it. */
  report(): IntegrationReport {
    const files = sortReportFiles(this.#files);
    return {
      format: REPORT_FORMAT,
      version: REPORT_VERSION,
      generated_at: Date.now(),
      run: {
        started_at: this.#startedAt,
        finished_at: Date.now(),
        shard: this.#shard,
        merged_from: [],
      },
      summary: summarizeReport(files),
      files,
      conflicts: [],
    };
  }

  /** Jest fails the run when a reporter has an error: here, a report that could not be written. */
  getLastError(): Error | undefined {
    return this.#lastError;
  }
}

function displayNameOf(displayName: unknown): string | null {
  if (typeof displayName === 'string' && displayName !== '') {
    return displayName;
  }
  const name = (displayName as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : null;
}
