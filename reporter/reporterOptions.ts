import { isAbsolute, join } from 'node:path';
import { describeValue } from '../src/describeValue';
import { IntegrationError } from '../src/IntegrationError';

/**
 * The reporter's options, the second element of its `reporters` entry.
 *
 * @example
 * // jest.config.js
 * reporters: ['default', ['jest-environment-integration/reporter', { outputDir: 'reports/integration' }]],
 */
export interface IntegrationReporterOptions {
  /** Where `integration-report.json` and `.html` go; relative to `rootDir`. Default `'integration-report'`. */
  outputDir?: string;
  /** Write `integration-report.html` too. Default `true`. */
  html?: boolean;
  /** Print leaks by module when the run ends. Default `true`. */
  summary?: boolean;
}

/** The options with defaults applied and `outputDir` made absolute. */
export interface ResolvedReporterOptions {
  outputDir: string;
  html: boolean;
  summary: boolean;
}

const SOURCE = "reporters: [['jest-environment-integration/reporter', options]]";

const OPTIONS: Record<
  keyof IntegrationReporterOptions,
  { accepted: string; valid: (value: unknown) => boolean }
> = {
  outputDir: {
    accepted: "a folder path such as 'integration-report' (relative to rootDir)",
    valid: (value) => typeof value === 'string' && value.trim() !== '',
  },
  html: { accepted: 'true or false', valid: (value) => typeof value === 'boolean' },
  summary: { accepted: 'true or false', valid: (value) => typeof value === 'boolean' },
};

/**
 * Checks the reporter's options and applies the defaults. Jest passes `{}` when none are
 * given. Wrong options throw an `IntegrationError` (`INVALID_OPTION`) when Jest loads the
 * reporter, before any test runs.
 *
 * @example
 * resolveReporterOptions({ outputDir: 'reports' }, '/repo');
 * // { outputDir: '/repo/reports', html: true, summary: true }
 */
export function resolveReporterOptions(options: unknown, rootDir: string): ResolvedReporterOptions {
  if (options === undefined || options === null) {
    return resolveReporterOptions({}, rootDir);
  }
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new IntegrationError(
      'INVALID_OPTION',
      `${SOURCE}: options must be an object (${Object.keys(OPTIONS).join(', ')}), but received ${describeValue(options)}.`,
      { received: options },
    );
  }
  const given = options as Record<string, unknown>;
  for (const [name, value] of Object.entries(given)) {
    const spec = OPTIONS[name as keyof IntegrationReporterOptions];
    if (spec === undefined) {
      throw new IntegrationError(
        'INVALID_OPTION',
        `${SOURCE}: unknown option \`${name}\` (received ${describeValue(value)}). Known options are: ${Object.keys(OPTIONS).join(', ')}.`,
        { option: name, received: value },
      );
    }
    if (value !== undefined && !spec.valid(value)) {
      throw new IntegrationError(
        'INVALID_OPTION',
        `${SOURCE}: option \`${name}\` must be ${spec.accepted}, but received ${describeValue(value)}.`,
        { option: name, received: value },
      );
    }
  }
  const outputDir = (given['outputDir'] as string | undefined) ?? 'integration-report';
  return {
    outputDir: isAbsolute(outputDir) ? outputDir : join(rootDir, outputDir),
    html: (given['html'] as boolean | undefined) ?? true,
    summary: (given['summary'] as boolean | undefined) ?? true,
  };
}
