import type { ErrorContext } from '../src/records';

/** Keys an object must have, as strings, to be read as an `ErrorContext`. */
const STRING_KEYS = ['source_module', 'target_module', 'operation', 'error_type'] as const;

/**
 * Recognises an `ErrorContext` by its keys, so that contexts from another package copy,
 * from JSON or from another language's report count as well as our own class instances.
 */
export function isErrorContext(value: unknown): value is ErrorContext {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  try {
    const candidate = value as Record<string, unknown>;
    return (
      STRING_KEYS.every((key) => typeof candidate[key] === 'string') &&
      'original_error' in candidate &&
      'context_data' in candidate
    );
  } catch {
    return false;
  }
}
