import type { MatcherContext, MatcherFunction } from 'expect';
import type { ConfigChangeEvent } from '../src/records';
import { matcherError } from './matcherError';
import { resolveReceiver } from './resolveReceiver';
import type { ExpectedConfigChange } from './types';

const NAME = 'toHaveRecordedConfigChange';
const OPTION_KEYS = ['from', 'to', 'affecting'];

/**
 * Passes when a change at exactly this path was recorded with these values (`from` and
 * `to` compared with `equals`, asymmetric matchers honoured; `from: undefined` means the
 * key was added) and at least the modules in `affecting`.
 *
 * @example
 * expect(integration).toHaveRecordedConfigChange('parser.timeout_ms', { from: 100, to: 250 });
 */
export const toHaveRecordedConfigChange: MatcherFunction<
  [path: string, expected?: ExpectedConfigChange]
> = function (received, path, ...rest) {
  const expected: unknown = rest[0];
  const hint = this.utils.matcherHint(NAME, 'received', 'path', {
    isNot: this.isNot,
    promise: this.promise,
    secondArgument: rest.length === 0 ? '' : 'expected',
  });
  const config = resolveReceiver(received, 'ConfigChangeObserver');
  if (config === undefined) {
    throw matcherError(
      this,
      hint,
      'received',
      'be `integration` or a ConfigChangeObserver',
      received,
    );
  }
  if (typeof path !== 'string' || path === '') {
    throw matcherError(this, hint, 'path', 'be a non-empty config path', path);
  }
  if (!isExpectedConfigChange(expected)) {
    throw matcherError(
      this,
      hint,
      'expected',
      'be undefined or an object with only `from`, `to` and `affecting` (an array of module names)',
      expected,
    );
  }

  const log = config.getChangeLog();
  const atPath = log.filter((event) => event.config_path === path);
  const matching = atPath.filter((event) => matches(this, event, expected ?? {}));
  const { printExpected, printReceived } = this.utils;
  const wanted =
    `a change at ${printExpected(path)}` +
    (expected === undefined || Object.keys(expected).length === 0
      ? ''
      : ` matching ${printExpected(expected)}`);

  if (matching.length > 0) {
    return {
      pass: true,
      message: () =>
        `${hint}\n\n` +
        `Expected: no ${wanted.slice('a '.length)}\n` +
        `Received: ${matching.map((event) => formatChange(this, event)).join('\n          ')}`,
    };
  }
  return {
    pass: false,
    message: () => {
      const expectedLine = `Expected: ${wanted}\n`;
      if (atPath.length === 0) {
        const paths = [...new Set(log.map((event) => event.config_path))];
        return (
          `${hint}\n\n${expectedLine}` +
          (paths.length === 0
            ? 'Received: no configuration change was recorded'
            : `Received: none; changes were recorded at ${paths.map((each) => printReceived(each)).join(', ')}`)
        );
      }
      const only = atPath[0] as ConfigChangeEvent;
      if (atPath.length === 1 && expected !== undefined) {
        return (
          `${hint}\n\n${expectedLine}Received: ${formatChange(this, only)}\n\n` +
          this.utils.printDiffOrStringify(
            expected,
            receivedSubset(this, only, expected),
            'Expected',
            'Received',
            this.expand !== false,
          )
        );
      }
      return (
        `${hint}\n\n${expectedLine}Received: ${atPath.length} changes at this path, none matching\n` +
        atPath.map((event) => `  ${formatChange(this, event)}`).join('\n')
      );
    },
  };
};

function isExpectedConfigChange(value: unknown): value is ExpectedConfigChange | undefined {
  if (value === undefined) {
    return true;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  if (!Object.keys(value).every((key) => OPTION_KEYS.includes(key))) {
    return false;
  }
  const { affecting } = value as { affecting?: unknown };
  return (
    affecting === undefined ||
    (Array.isArray(affecting) &&
      affecting.every((module) => typeof module === 'string' && module !== ''))
  );
}

function matches(
  context: MatcherContext,
  event: ConfigChangeEvent,
  expected: ExpectedConfigChange,
): boolean {
  const testers = [...(context.customTesters ?? []), context.utils.iterableEquality];
  return (
    (!('from' in expected) || context.equals(event.old_value, expected.from, testers)) &&
    (!('to' in expected) || context.equals(event.new_value, expected.to, testers)) &&
    (expected.affecting ?? []).every((module) => event.affected_modules.includes(module))
  );
}

/**
 * The event in the shape of `expected`, for a diff that shows only what differs:
 * `affecting` is "at least", so when it holds it prints as expected.
 */
function receivedSubset(
  context: MatcherContext,
  event: ConfigChangeEvent,
  expected: ExpectedConfigChange,
): Record<string, unknown> {
  const subset: Record<string, unknown> = {};
  if ('from' in expected) {
    subset.from = event.old_value;
  }
  if ('to' in expected) {
    subset.to = event.new_value;
  }
  if (expected.affecting !== undefined) {
    const holds = matches(context, event, { affecting: expected.affecting });
    subset.affecting = holds ? expected.affecting : event.affected_modules;
  }
  return subset;
}

function formatChange(context: MatcherContext, event: ConfigChangeEvent): string {
  const { printReceived } = context.utils;
  return (
    `${printReceived(event.old_value)} → ${printReceived(event.new_value)}, ` +
    `affecting ${printReceived(event.affected_modules)}`
  );
}
