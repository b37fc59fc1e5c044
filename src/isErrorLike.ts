import { types } from 'node:util';

/** The parts of an error this package reads. */
export interface ErrorLike {
  name: string;
  message: string;
  stack?: string | null;
  cause?: unknown;
}

/**
 * Recognises an error from any realm: a native error (also from a `vm` context, where
 * `instanceof Error` lies), or an object that looks like one, such as an error that
 * crossed a worker or process boundary as plain data (also as `serializeError` writes it,
 * with a `null` stack).
 */
export function isErrorLike(value: unknown): value is ErrorLike {
  if (types.isNativeError(value)) {
    return true;
  }
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const candidate = value as Record<string, unknown>;
  try {
    return (
      typeof candidate.message === 'string' &&
      typeof candidate.name === 'string' &&
      (typeof candidate.stack === 'string' ||
        candidate.stack === undefined ||
        candidate.stack === null)
    );
  } catch {
    // A getter that throws makes it an unreadable object, not an error.
    return false;
  }
}
