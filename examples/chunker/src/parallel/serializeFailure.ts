import type { SerializedFailure } from './workerProtocol';

const MAX_CAUSE_DEPTH = 8;

/** Turns what a parser threw into plain data that survives `postMessage`, cause chain included. */
export function serializeFailure(thrown: unknown, depth = 0): SerializedFailure {
  if (typeof thrown !== 'object' || thrown === null || !('message' in thrown)) {
    return {
      name: 'NonErrorThrown',
      message: `a parser threw ${typeof thrown === 'string' ? JSON.stringify(thrown) : String(thrown)}`,
      stack: undefined,
      fields: {},
      cause: { thrown: structuredCloneable(thrown) },
    };
  }
  const error = thrown as Error & Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'cause') {
      fields[key] = structuredCloneable(value);
    }
  }
  let cause: SerializedFailure['cause'];
  if ('cause' in error && depth < MAX_CAUSE_DEPTH) {
    cause =
      typeof error.cause === 'object' && error.cause !== null && 'message' in error.cause
        ? serializeFailure(error.cause, depth + 1)
        : { thrown: structuredCloneable(error.cause) };
  }
  return {
    name: String(error.name),
    message: String(error.message),
    stack: error.stack,
    fields,
    cause,
  };
}

function structuredCloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}
