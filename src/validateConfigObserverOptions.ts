import { assertNonEmptyString } from './assertArgument';
import { invalidArgument } from './invalidArgument';

/**
 * Options of `new ConfigChangeObserver(options)`.
 *
 * @example
 * new ConfigChangeObserver({
 *   configMap: { parser: 'chunker.parser', 'env.CACHE_*': ['cache.store', 'cli.main'] },
 *   unmappedConfig: 'none',
 *   knownModules: ['chunker.parser', 'cache.store', 'cli.main'],
 *   process: testRealmProcess,
 * });
 */
export interface ConfigChangeObserverOptions {
  /**
   * Config path patterns to the module (or modules) they affect: exact paths, dotted
   * prefixes (`parser` covers `parser.timeout_ms`) and globs in which `.` separates
   * segments (`env.*`, `parser.**`). Default `{}`.
   */
  configMap?: Record<string, string[] | string>;
  /** What a path no key covers affects: `'all'` known modules (default) or `'none'`. */
  unmappedConfig?: 'all' | 'none';
  /** Modules that exist besides those `configMap` names; `'all'` includes them. */
  knownModules?: string[];
  /** Whose `env` `observeEnv()` observes. Default: the global `process`. */
  process?: { env: NodeJS.ProcessEnv };
}

/** The options once checked: every default filled in, every module list sorted and unique. */
export interface ValidatedConfigObserverOptions {
  readonly configMap: Readonly<Record<string, readonly string[]>>;
  readonly unmappedConfig: 'all' | 'none';
  /** The union of `knownModules` and every module `configMap` names, sorted. */
  readonly allModules: readonly string[];
  readonly process: { env: NodeJS.ProcessEnv };
}

const CALL = 'new ConfigChangeObserver(options)';
const OPTION_NAMES = ['configMap', 'unmappedConfig', 'knownModules', 'process'] as const;
const MODULE_HINT = "a module name such as 'chunker.parser'";

/**
 * Checks every option of `new ConfigChangeObserver(options)` and throws an
 * `IntegrationError` (`INVALID_ARGUMENT`) naming the first wrong one and what it accepts.
 */
export function validateConfigObserverOptions(options: unknown): ValidatedConfigObserverOptions {
  if (options === undefined) {
    options = {};
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument(
      CALL,
      'options',
      'an object or undefined',
      options,
      `an object with any of ${OPTION_NAMES.map((name) => `\`${name}\``).join(', ')}`,
    );
  }
  const given = options as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      throw invalidArgument(
        CALL,
        `options.${name}`,
        'one of the known options',
        given[name],
        `only ${OPTION_NAMES.map((known) => `\`${known}\``).join(', ')} (check the spelling)`,
      );
    }
  }

  const configMap = validateConfigMap(given.configMap);
  const unmappedConfig = given.unmappedConfig ?? 'all';
  if (unmappedConfig !== 'all' && unmappedConfig !== 'none') {
    throw invalidArgument(
      CALL,
      'options.unmappedConfig',
      "'all' or 'none'",
      unmappedConfig,
      "'all' (an unmapped path affects every known module) or 'none' (it affects none)",
    );
  }
  const knownModules = validateModuleList(given.knownModules ?? [], 'options.knownModules');
  const allModules = new Set(knownModules);
  for (const modules of Object.values(configMap)) {
    for (const module of modules) {
      allModules.add(module);
    }
  }

  return {
    configMap,
    unmappedConfig,
    allModules: [...allModules].sort(),
    process: validateProcess(given.process),
  };
}

function validateConfigMap(value: unknown): Record<string, readonly string[]> {
  if (value === undefined) {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(
      CALL,
      'options.configMap',
      'an object or undefined',
      value,
      "an object from config path patterns to module names, such as { 'parser.*': ['chunker.parser'] }",
    );
  }
  const configMap: Record<string, readonly string[]> = Object.create(null) as Record<
    string,
    readonly string[]
  >;
  for (const [pattern, modules] of Object.entries(value)) {
    if (pattern.trim() === '') {
      throw invalidArgument(
        CALL,
        'options.configMap',
        'keyed by non-empty config path patterns',
        pattern,
        "keys such as 'parser', 'parser.timeout_ms' or 'env.*'",
      );
    }
    const name = `options.configMap['${pattern}']`;
    if (typeof modules === 'string') {
      assertNonEmptyString(modules, CALL, name, MODULE_HINT);
      configMap[pattern] = [modules];
    } else {
      configMap[pattern] = validateModuleList(modules, name);
    }
  }
  return configMap;
}

function validateModuleList(value: unknown, name: string): string[] {
  if (!Array.isArray(value)) {
    throw invalidArgument(
      CALL,
      name,
      name.startsWith('options.configMap')
        ? 'a module name or an array of them'
        : 'an array of module names',
      value,
      "module names such as ['chunker.parser', 'cli.main']",
    );
  }
  value.forEach((module: unknown, index) => {
    assertNonEmptyString(module, CALL, `${name}[${index}]`, MODULE_HINT);
  });
  return [...new Set(value as string[])].sort();
}

function validateProcess(value: unknown): { env: NodeJS.ProcessEnv } {
  if (value === undefined) {
    return process;
  }
  let env: unknown;
  try {
    env =
      typeof value === 'object' && value !== null ? (value as { env?: unknown }).env : undefined;
  } catch {
    env = undefined;
  }
  if (typeof env !== 'object' || env === null) {
    throw invalidArgument(
      CALL,
      'options.process',
      'an object with an `env` object',
      value,
      "the `process` whose `env` to observe (the test's own `process`), or leave it out for the global one",
    );
  }
  return value as { env: NodeJS.ProcessEnv };
}
