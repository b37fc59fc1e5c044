import type { ConfigChangeEvent } from './records';
import { toJSONSafe } from './toJSONSafe';

/**
 * A recorded `ConfigChangeEvent`: its own keys are exactly the standard record's, it is
 * frozen (subscribers share one instance, so none can alter what the others and the change
 * log see), and it always serialises.
 *
 * `old_value` and `new_value` hold the values themselves, not copies. In JSON an
 * `undefined` value (key added or deleted) is written as `null`, so that every record
 * carries all five keys.
 *
 * @example
 * const event = config.onConfigChange('parser.timeout_ms', 100, 250);
 * JSON.stringify(event);
 * // {"config_path":"parser.timeout_ms","old_value":100,"new_value":250,
 * //  "affected_modules":["chunker.parser"],"timestamp":1732400000123.25}
 */
export class ConfigChangeEventRecord implements ConfigChangeEvent {
  readonly config_path: string;
  readonly old_value: unknown;
  readonly new_value: unknown;
  readonly affected_modules: string[];
  readonly timestamp: number;

  constructor(event: ConfigChangeEvent) {
    this.config_path = event.config_path;
    this.old_value = event.old_value;
    this.new_value = event.new_value;
    this.affected_modules = Object.freeze([...event.affected_modules]) as string[];
    this.timestamp = event.timestamp;
    Object.freeze(this);
  }

  /** A JSON-safe copy: circular values, BigInt, symbols, functions and errors never throw. */
  toJSON(): Record<string, unknown> {
    return {
      config_path: this.config_path,
      old_value: this.old_value === undefined ? null : toJSONSafe(this.old_value),
      new_value: this.new_value === undefined ? null : toJSONSafe(this.new_value),
      affected_modules: [...this.affected_modules],
      timestamp: this.timestamp,
    };
  }
}
