import { errorMessageOf } from './errorMessageOf';
import { errorTypeOf } from './errorTypeOf';
import { isErrorLike } from './isErrorLike';

/** One link of an error's cause chain. */
export interface CauseLink {
  error_type: string;
  error_message: string;
}

/** How many links a chain may have; deeper or wider chains are cut here. */
export const MAX_CAUSE_LINKS = 32;

/**
 * What led to an error, outermost first: its `cause`, that cause's own causes, then each of
 * the `errors` of an `AggregateError` (and their causes), depth first. The error itself is
 * not a link (the context already names it). An object met twice is listed once, which
 * cuts cycles; a chain stops after {@link MAX_CAUSE_LINKS} links. Never throws.
 *
 * @example
 * const error = new Error('cannot load config', { cause: new SyntaxError('bad JSON') });
 * causeChain(error); // [{ error_type: 'SyntaxError', error_message: 'bad JSON' }]
 */
export function causeChain(error: unknown): CauseLink[] {
  const links: CauseLink[] = [];
  const seen = new Set<unknown>([error]);
  const visit = (value: unknown): void => {
    for (const next of causesOf(value)) {
      if (links.length >= MAX_CAUSE_LINKS) {
        return;
      }
      if (isObject(next)) {
        if (seen.has(next)) {
          continue;
        }
        seen.add(next);
      }
      links.push({ error_type: errorTypeOf(next), error_message: errorMessageOf(next) });
      visit(next);
    }
  };
  visit(error);
  return links;
}

/** The values an error directly points at as its causes. */
function causesOf(value: unknown): unknown[] {
  if (!isObject(value)) {
    return [];
  }
  const causes: unknown[] = [];
  try {
    const cause = (value as { cause?: unknown }).cause;
    if (cause !== undefined) {
      causes.push(cause);
    }
  } catch {
    // A getter or proxy trap that throws: nothing to follow.
  }
  if (isErrorLike(value)) {
    try {
      const errors = (value as { errors?: unknown }).errors;
      if (Array.isArray(errors)) {
        causes.push(...errors.slice(0, MAX_CAUSE_LINKS));
      }
    } catch {
      // As above.
    }
  }
  return causes;
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
