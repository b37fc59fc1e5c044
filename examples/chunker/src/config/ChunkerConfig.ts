import { isDeepStrictEqual } from 'node:util';
import type { ParseOptions } from '../parser/parseSource';
import { ConfigApplyError } from './ConfigApplyError';
import { ConfigError } from './ConfigError';
import type { ChunkerSettings, SettingPath, SettingValues } from './ChunkerSettings';
import { defaultSettings } from './ChunkerSettings';
import { environmentVariableFor, settingRules } from './settingRules';

/**
 * One applied change, as subscribers receive it.
 *
 * @example
 * { path: 'parser.timeout_ms', old_value: 2000, new_value: 500 }
 */
export interface ConfigChange {
  path: SettingPath;
  old_value: unknown;
  new_value: unknown;
}

/** Reacts to a change; a returned promise is awaited by `set`. */
export type ConfigListener = (change: ConfigChange) => void | Promise<void>;

/**
 * The chunker's configuration: validated settings whose changes at run time reach the
 * modules that subscribed to them. The settings object is kept as given (it may be a proxy
 * that records changes), and every change is written to it.
 *
 * @example
 * const config = new ChunkerConfig();
 * const unsubscribe = config.subscribe('parser', (change) => parser.reconfigure());
 * await config.set('parser.max_chunk_lines', 20);
 */
export class ChunkerConfig {
  readonly settings: ChunkerSettings;
  readonly #listeners: { prefix: string; listener: ConfigListener }[] = [];

  constructor(settings: ChunkerSettings = defaultSettings()) {
    for (const path of Object.keys(settingRules) as SettingPath[]) {
      const value = read(settings, path);
      if (!settingRules[path].isValid(value)) {
        throw invalid(path, value, 'create');
      }
    }
    this.settings = settings;
  }

  /** The current value at a dotted path. */
  get<P extends SettingPath>(path: P): SettingValues[P] {
    return read(this.settings, path) as SettingValues[P];
  }

  /**
   * Validates and applies a change, then awaits every subscriber whose prefix covers the
   * path. Setting the current value again does nothing.
   *
   * @throws {ConfigError} for an unknown path or an invalid value (nothing changes).
   * @throws {ConfigApplyError} when subscribers failed to apply it (the value stays).
   */
  async set<P extends SettingPath>(path: P, value: SettingValues[P]): Promise<void> {
    const rule = (settingRules as Partial<Record<string, (typeof settingRules)[P]>>)[path];
    if (!rule) {
      throw new ConfigError(
        `unknown setting ${JSON.stringify(path)}: use one of ${Object.keys(settingRules).join(', ')}`,
        { path, value },
      );
    }
    if (!rule.isValid(value)) {
      throw invalid(path, value, 'set');
    }
    const old = this.get(path);
    if (isDeepStrictEqual(old, value)) {
      return;
    }
    write(this.settings, path, Array.isArray(value) ? [...value] : value);
    await this.#notify({ path, old_value: old, new_value: value });
  }

  /**
   * Calls `listener` after every change under `prefix` (`''` for all, `'parser'` for a
   * section, or one path). Returns the function that unsubscribes.
   */
  subscribe(prefix: string, listener: ConfigListener): () => void {
    const entry = { prefix, listener };
    this.#listeners.push(entry);
    return () => {
      const index = this.#listeners.indexOf(entry);
      if (index !== -1) {
        this.#listeners.splice(index, 1);
      }
    };
  }

  /** How many subscriptions are open: modules that forgot to unsubscribe show up here. */
  get subscriberCount(): number {
    return this.#listeners.length;
  }

  /**
   * Applies every `CHUNKER_*` variable of `env` (`CHUNKER_PARSER_TIMEOUT_MS=500`), in the
   * order of the settings table.
   *
   * @throws {ConfigError} naming the variable when its text is not a valid value; the
   *   variables before it are applied.
   */
  async applyEnv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
    for (const path of Object.keys(settingRules) as SettingPath[]) {
      const name = environmentVariableFor(path);
      const text = env[name];
      if (text === undefined) {
        continue;
      }
      const value = settingRules[path].fromEnv(text);
      if (!settingRules[path].isValid(value)) {
        throw new ConfigError(
          `${name} must be ${settingRules[path].expected}, but is ${JSON.stringify(text)}`,
          { path, value: text, operation: 'apply-env' },
        );
      }
      await this.set(path, value as SettingValues[typeof path]);
    }
  }

  /** The `parser` section in the form `parseSource` takes. */
  parseOptions(): Omit<ParseOptions, 'file'> {
    const { parser } = this.settings;
    return {
      strategy: parser.strategy,
      maxChunkLines: parser.max_chunk_lines,
      maxFileBytes: parser.max_file_bytes,
      timeoutMs: parser.timeout_ms,
    };
  }

  async #notify(change: ConfigChange): Promise<void> {
    const failures: unknown[] = [];
    for (const { prefix, listener } of [...this.#listeners]) {
      if (prefix !== '' && change.path !== prefix && !change.path.startsWith(`${prefix}.`)) {
        continue;
      }
      try {
        await listener(change);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) {
      throw new ConfigApplyError(change.path, failures);
    }
  }
}

function read(settings: ChunkerSettings, path: SettingPath): unknown {
  const [section, key] = path.split('.') as [keyof ChunkerSettings, string];
  const group = settings[section] as Record<string, unknown> | undefined;
  return group?.[key];
}

function write(settings: ChunkerSettings, path: SettingPath, value: unknown): void {
  const [section, key] = path.split('.') as [keyof ChunkerSettings, string];
  (settings[section] as Record<string, unknown>)[key] = value;
}

function invalid(path: SettingPath, value: unknown, operation: string): ConfigError {
  return new ConfigError(
    `${path} must be ${settingRules[path].expected}, but received ${JSON.stringify(value)}`,
    { path, value, operation },
  );
}
