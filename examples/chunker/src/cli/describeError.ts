/**
 * An error as the CLI prints it with `--error-format json`: name, message, the module and
 * operation that raised it, its own fields, and its cause chain (AggregateError members
 * included), so a caller in another process can see where it started.
 *
 * @example
 * { name: 'WorkerCrashError', message: '...', module: 'chunker.parallel', operation: 'parse-in-worker',
 *   fields: { file: 'a.ts', workerId: 1, threadId: 3, exitCode: 3 }, cause: null, errors: [] }
 */
export interface ErrorDescription {
  name: string;
  message: string;
  module: string | null;
  operation: string | null;
  fields: Record<string, unknown>;
  cause: ErrorDescription | { thrown: string } | null;
  errors: (ErrorDescription | { thrown: string })[];
}

const MAX_DEPTH = 8;

/** Describes any thrown value; never throws. */
export function describeError(thrown: unknown, depth = 0): ErrorDescription | { thrown: string } {
  if (typeof thrown !== 'object' || thrown === null || !('message' in thrown)) {
    return { thrown: typeof thrown === 'string' ? thrown : String(thrown) };
  }
  const error = thrown as Error & Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (!['name', 'message', 'module', 'operation', 'cause', 'errors', 'stack'].includes(key)) {
      fields[key] = typeof value === 'object' && value !== null ? String(value) : value;
    }
  }
  const nested = (value: unknown): ErrorDescription | { thrown: string } =>
    depth < MAX_DEPTH ? describeError(value, depth + 1) : { thrown: '[too deep]' };
  return {
    name: String(error.name),
    message: String(error.message),
    module: typeof error.module === 'string' ? error.module : null,
    operation: typeof error.operation === 'string' ? error.operation : null,
    fields,
    cause: 'cause' in error ? nested(error.cause) : null,
    errors: Array.isArray(error.errors) ? error.errors.map(nested) : [],
  };
}

/** The same, as lines of text: the error, then `caused by:` lines, indented. */
export function formatError(thrown: unknown): string {
  const lines: string[] = [];
  const walk = (
    description: ErrorDescription | { thrown: string },
    indent: string,
    label: string,
  ): void => {
    if ('thrown' in description) {
      lines.push(
        `${indent}${label}${JSON.stringify(description.thrown)} (thrown as is, not an Error)`,
      );
      return;
    }
    const where =
      description.module === null
        ? ''
        : ` [${description.module}${description.operation ? `: ${description.operation}` : ''}]`;
    lines.push(`${indent}${label}${description.name}: ${description.message}${where}`);
    description.errors.forEach((member, index) =>
      walk(member, `${indent}  `, `error ${index + 1}: `),
    );
    if (description.cause) walk(description.cause, `${indent}  `, 'caused by: ');
  };
  walk(describeError(thrown), '', '');
  return lines.join('\n');
}
