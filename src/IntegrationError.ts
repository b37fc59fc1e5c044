/**
 * Every kind of misuse the package refuses, each with a stable code that tests and
 * tools can rely on. A refused call changes nothing.
 */
export type IntegrationErrorCode =
  /** An argument has the wrong type, is empty, or is out of range. */
  | 'INVALID_ARGUMENT'
  /** `trackResource` with an id that is already active. */
  | 'DUPLICATE_RESOURCE_ID'
  /** `releaseResource` or a look-up with an id that was never tracked. */
  | 'UNKNOWN_RESOURCE_ID'
  /** `releaseResource` with an id whose record is already released. */
  | 'RESOURCE_ALREADY_RELEASED'
  /** `verifyErrorContext` found keys that are missing or differ. */
  | 'ERROR_CONTEXT_MISMATCH'
  /** An environment option is unknown or has the wrong type. */
  | 'INVALID_OPTION'
  /** The API was used where it cannot work (outside a test, after teardown, ...). */
  | 'INVALID_STATE';

/**
 * The one error type this package throws for misuse.
 *
 * @example
 * try {
 *   resources.releaseResource('never-tracked');
 * } catch (error) {
 *   if (IntegrationError.is(error) && error.code === 'UNKNOWN_RESOURCE_ID') { ... }
 * }
 */
export class IntegrationError extends Error {
  readonly code: IntegrationErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: IntegrationErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'IntegrationError';
    this.code = code;
    this.details = details;
  }

  /**
   * Recognises an `IntegrationError` from any realm or copy of this package, where
   * `instanceof` would lie (tests run in a `vm` context).
   */
  static is(value: unknown): value is IntegrationError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'IntegrationError' &&
      typeof (value as { code?: unknown }).code === 'string'
    );
  }
}
