import type { SettingPath } from './ChunkerSettings';

/** How one setting is checked, and read from an environment variable. */
export interface SettingRule {
  /** What a valid value is, for messages: `'a positive integer'`. */
  expected: string;
  isValid(value: unknown): boolean;
  /** Turns the text of an environment variable into a value (which `isValid` then checks). */
  fromEnv(text: string): unknown;
}

const positiveInteger: SettingRule = {
  expected: 'a positive integer',
  isValid: (value) => typeof value === 'number' && Number.isInteger(value) && value > 0,
  fromEnv: (text) => (text.trim() === '' ? Number.NaN : Number(text)),
};

const nonEmptyString: SettingRule = {
  expected: 'a non-empty string',
  isValid: (value) => typeof value === 'string' && value.trim() !== '',
  fromEnv: (text) => text,
};

/** The rule for every setting: the table `ChunkerConfig.set` and `applyEnv` check against. */
export const settingRules: Record<SettingPath, SettingRule> = {
  'parser.strategy': {
    expected: "'blocks' or 'functions'",
    isValid: (value) => value === 'blocks' || value === 'functions',
    fromEnv: (text) => text,
  },
  'parser.max_chunk_lines': positiveInteger,
  'parser.max_file_bytes': positiveInteger,
  'parser.timeout_ms': positiveInteger,
  'cache.enabled': {
    expected: 'true or false',
    isValid: (value) => typeof value === 'boolean',
    fromEnv: (text) =>
      text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text,
  },
  'cache.dir': nonEmptyString,
  'parallel.pool_size': {
    expected: 'an integer from 1 to 16',
    isValid: (value) =>
      typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 16,
    fromEnv: (text) => (text.trim() === '' ? Number.NaN : Number(text)),
  },
  'plugins.enabled': {
    expected: 'a list of plugin names',
    isValid: (value) =>
      Array.isArray(value) && value.every((name) => typeof name === 'string' && name !== ''),
    fromEnv: (text) =>
      text
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
  },
};

/** `parser.timeout_ms` is read from `CHUNKER_PARSER_TIMEOUT_MS`. */
export function environmentVariableFor(path: SettingPath): string {
  return `CHUNKER_${path.replace(/\./g, '_').toUpperCase()}`;
}
