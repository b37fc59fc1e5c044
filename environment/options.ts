import { types } from 'node:util';
import { resolveAutoTrackOption } from '../src/autoTrack/resolveAutoTrackOption';
import type { AutoTrackOption } from '../src/autoTrack/resolveAutoTrackOption';
import { describeValue } from '../src/describeValue';
import { IntegrationError } from '../src/IntegrationError';

/** What happens to a test that ends with resources still open. */
export type LeakMode = 'fail' | 'warn' | 'off';

/**
 * A resource that is never reported: every given field must match (strings are globs for
 * `type`, `module` and `id`; for `stack`, a string is a substring of the creation stack).
 * A bare string is short for `{ type: string }`.
 *
 * @example
 * ignore: ['timer', { module: 'vendor.*' }, { stack: 'node_modules/pg-pool/' }]
 */
export type IgnoreRule =
  | string
  | {
      type?: string | RegExp;
      module?: string | RegExp;
      id?: string | RegExp;
      stack?: string | RegExp;
    };

/**
 * `testEnvironmentOptions.integration`, as the user writes it: every key optional.
 *
 * @example
 * // jest.config.js
 * module.exports = {
 *   testEnvironment: 'integration',
 *   testEnvironmentOptions: {
 *     integration: { leaks: 'warn', configMap: { 'parser.*': ['chunker.parser'] } },
 *   },
 * };
 */
export interface IntegrationOptionsInput {
  /** `'fail'` (default) fails the test that leaked, `'warn'` reports it, `'off'` checks nothing. */
  leaks?: LeakMode;
  /** Track real Node handles created by the test (default `true`), only some kinds, or `{ kinds, unref }`. */
  autoTrack?: AutoTrackOption;
  /** Source globs (relative to `rootDir`) to module names; the first match wins. */
  modules?: Record<string, string>;
  /** Config path patterns to the modules they affect. */
  configMap?: Record<string, string | string[]>;
  /** Modules affected by an unmapped config path: every known module, or none. */
  unmappedConfig?: 'all' | 'none';
  /** Resources never reported. */
  ignore?: IgnoreRule[];
  /** Close what a test leaked once it is reported (default `true`). */
  closeLeaked?: boolean;
}

/** The options after defaults are applied: what the environment runs with. */
export interface IntegrationOptions {
  leaks: LeakMode;
  /** As given (checked): `resolveAutoTrackOption` turns it into kinds and an unref policy. */
  autoTrack: AutoTrackOption;
  modules: Record<string, string>;
  configMap: Record<string, string | string[]>;
  unmappedConfig: 'all' | 'none';
  ignore: IgnoreRule[];
  closeLeaked: boolean;
}

/** The defaults of DESIGN.md, as a fresh object each time. */
export function defaultOptions(): IntegrationOptions {
  return {
    leaks: 'fail',
    autoTrack: true,
    modules: {},
    configMap: {},
    unmappedConfig: 'all',
    ignore: [],
    closeLeaked: true,
  };
}

/** Where an option value came from, named in messages so the user knows which file to fix. */
export type OptionsSource = 'testEnvironmentOptions.integration' | '@jest-environment-options';

interface OptionSpec {
  accepted: string;
  check: (value: unknown) => string | undefined;
}

const OPTION_SPECS: Record<keyof IntegrationOptions, OptionSpec> = {
  leaks: {
    accepted: "'fail', 'warn' or 'off'",
    check: (value) => (value === 'fail' || value === 'warn' || value === 'off' ? undefined : ''),
  },
  autoTrack: {
    accepted: "true, false, a list of kinds such as ['timer', 'tcp-server'], or { kinds, unref }",
    check: (value) => {
      // Auto-tracking owns its option's rules (the kinds it knows); its message is the one shown.
      resolveAutoTrackOption(value);
      return undefined;
    },
  },
  modules: {
    accepted: "an object mapping source globs to module names, e.g. { 'src/cache/**': 'cache' }",
    check: (value) =>
      checkStringRecord(value, (item) =>
        isNonEmptyString(item) ? undefined : 'must be a non-empty string',
      ),
  },
  configMap: {
    accepted:
      "an object mapping config path patterns to module names, e.g. { 'parser.*': ['chunker.parser'] }",
    check: (value) =>
      checkStringRecord(value, (item) =>
        isNonEmptyString(item) || (Array.isArray(item) && item.every(isNonEmptyString))
          ? undefined
          : 'must be a module name or an array of module names',
      ),
  },
  unmappedConfig: {
    accepted: "'all' or 'none'",
    check: (value) => (value === 'all' || value === 'none' ? undefined : ''),
  },
  ignore: {
    accepted:
      "an array of resource types or rules such as { type: 'timer' }, { module: 'vendor.*' }, { stack: 'node_modules/pg/' }",
    check: checkIgnoreRules,
  },
  closeLeaked: {
    accepted: 'true or false',
    check: (value) => (typeof value === 'boolean' ? undefined : ''),
  },
};

const OPTION_NAMES = Object.keys(OPTION_SPECS) as Array<keyof IntegrationOptions>;

/**
 * Checks one layer of options and returns it typed; anything unknown or mistyped is an
 * `IntegrationError` (`INVALID_OPTION`) naming the option, what was received and what is
 * accepted, so a misconfigured test file fails at once instead of checking the wrong thing.
 */
export function validateOptions(value: unknown, source: OptionsSource): IntegrationOptionsInput {
  if (value === undefined || value === null) {
    return {};
  }
  if (!isPlainObject(value)) {
    throw new IntegrationError(
      'INVALID_OPTION',
      `${source} must be an object of options (${OPTION_NAMES.join(', ')}), but received ${describeValue(value)}.`,
      { option: source, received: value },
    );
  }
  for (const [name, optionValue] of Object.entries(value)) {
    const spec = (OPTION_SPECS as Record<string, OptionSpec | undefined>)[name];
    if (spec === undefined) {
      throw new IntegrationError(
        'INVALID_OPTION',
        `${source}: unknown option \`${name}\` (received ${describeValue(optionValue)}). Known options are: ${OPTION_NAMES.join(', ')}.` +
          suggestion(name),
        { option: name, received: optionValue },
      );
    }
    if (optionValue === undefined) {
      continue;
    }
    let problem: string | undefined;
    try {
      problem = spec.check(optionValue);
    } catch (error) {
      throw IntegrationError.is(error) && source !== 'testEnvironmentOptions.integration'
        ? new IntegrationError(
            error.code,
            error.message.replace('testEnvironmentOptions.integration', source),
            error.details,
          )
        : error;
    }
    if (problem !== undefined) {
      throw new IntegrationError(
        'INVALID_OPTION',
        `${source}: option \`${name}\` must be ${spec.accepted}, but received ${describeValue(optionValue)}${problem === '' ? '' : ` (${problem})`}.`,
        { option: name, received: optionValue },
      );
    }
  }
  return value as IntegrationOptionsInput;
}

/**
 * The options a test file runs with: the project's `testEnvironmentOptions.integration`,
 * then the file's `@jest-environment-options` `integration` key merged over it key by key
 * (objects such as `modules` and `configMap` merged one level deeper), over the defaults.
 *
 * @example
 * resolveOptions({ leaks: 'warn' }, { configMap: { 'db.*': 'db' } }).leaks; // 'warn'
 */
export function resolveOptions(projectOptions: unknown, fileOptions?: unknown): IntegrationOptions {
  const project = validateOptions(projectOptions, 'testEnvironmentOptions.integration');
  const file = validateOptions(fileOptions, '@jest-environment-options');
  const resolved = defaultOptions();
  for (const layer of [project, file]) {
    for (const name of OPTION_NAMES) {
      const value = layer[name];
      if (value === undefined) {
        continue;
      }
      if (name === 'modules' || name === 'configMap') {
        Object.assign(resolved[name], value);
      } else {
        (resolved as unknown as Record<string, unknown>)[name] = value;
      }
    }
  }
  return resolved;
}

/**
 * The `integration` key of a docblock's `@jest-environment-options` JSON, if any. Jest has
 * already parsed this JSON (and failed the file if it is not JSON) before the environment
 * exists, so only the shape is checked here.
 */
export function readDocblockOptions(
  docblockPragmas: Record<string, string | string[]> | undefined,
): unknown {
  const raw = docblockPragmas?.['jest-environment-options'];
  if (typeof raw !== 'string') {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    return isPlainObject(parsed) ? parsed['integration'] : undefined;
  } catch {
    return undefined;
  }
}

function checkIgnoreRules(value: unknown): string | undefined {
  if (!Array.isArray(value)) {
    return '';
  }
  for (const [index, rule] of value.entries()) {
    if (isNonEmptyString(rule)) {
      continue;
    }
    if (!isPlainObject(rule)) {
      return `entry ${index} is ${describeValue(rule)}`;
    }
    const keys = Object.keys(rule);
    if (keys.length === 0) {
      return `entry ${index} is an empty rule, which would ignore every resource`;
    }
    for (const key of keys) {
      if (!['type', 'module', 'id', 'stack'].includes(key)) {
        return `entry ${index} has an unknown key \`${key}\`; rules match on type, module, id and stack`;
      }
      const pattern = rule[key];
      if (!isNonEmptyString(pattern) && !types.isRegExp(pattern)) {
        return `entry ${index}'s \`${key}\` is ${describeValue(pattern)}, not a string or RegExp`;
      }
    }
  }
  return undefined;
}

function checkStringRecord(
  value: unknown,
  checkItem: (item: unknown) => string | undefined,
): string | undefined {
  if (!isPlainObject(value)) {
    return '';
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.trim() === '') {
      return 'a key is an empty string';
    }
    const problem = checkItem(item);
    if (problem !== undefined) {
      return `the value of '${key}' ${problem}, but is ${describeValue(item)}`;
    }
  }
  return undefined;
}

function suggestion(name: string): string {
  const lower = name.toLowerCase();
  const close = OPTION_NAMES.find(
    (known) => known.toLowerCase() === lower || editDistance(known.toLowerCase(), lower) <= 2,
  );
  return close === undefined ? '' : ` Did you mean \`${close}\`?`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  // Options may come from another realm (a config file evaluated elsewhere): any
  // prototype-less or Object-like prototype counts.
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}
