import { inspect, types } from 'node:util';
import { errorMessageOf } from './errorMessageOf';
import { errorTypeOf } from './errorTypeOf';
import { isAsymmetricMatcher } from './isAsymmetricMatcher';
import type { AsymmetricMatcherLike } from './isAsymmetricMatcher';

const MAX_DEPTH = 6;

/**
 * A value as a message shows it: `util.inspect` output (strings quoted, several lines when
 * long), with asymmetric matchers written as Jest writes them (`Any<String>`,
 * `StringContaining "x"`, `ObjectContaining { a: 1 }`) and errors as `[TypeError: message]`
 * rather than with their whole stack. Never throws and never runs a getter or proxy trap.
 *
 * @example
 * formatForMessage({ file: expect.stringContaining('.ts') }); // "{ file: StringContaining '.ts' }"
 * formatForMessage(new TypeError('x')); // '[TypeError: x]'
 */
export function formatForMessage(value: unknown): string {
  try {
    return inspect(prepare(value, 0, new Set()), {
      depth: MAX_DEPTH,
      breakLength: 80,
      maxArrayLength: 10,
      maxStringLength: 300,
    });
  } catch {
    return '[unprintable value]';
  }
}

/** Shows as the given text in `util.inspect` output. */
class Printed {
  constructor(private readonly text: string) {}

  [inspect.custom](): string {
    return this.text;
  }
}

function prepare(value: unknown, depth: number, ancestors: Set<object>): unknown {
  if (types.isProxy(value)) {
    return value;
  }
  if (isAsymmetricMatcher(value)) {
    return new Printed(describeMatcher(value));
  }
  if (types.isNativeError(value)) {
    return new Printed(`[${errorTypeOf(value)}: ${errorMessageOf(value)}]`);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  if (ancestors.has(value) || depth >= MAX_DEPTH) {
    return value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  const plain = prototype === null || Object.getPrototypeOf(prototype) === null;
  if (!Array.isArray(value) && !plain) {
    return value;
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item: unknown) => prepare(item, depth + 1, ancestors));
    }
    const copy: Record<string, unknown> = {};
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
      if (!descriptor.enumerable) {
        continue;
      }
      copy[key] =
        'value' in descriptor
          ? prepare(descriptor.value, depth + 1, ancestors)
          : new Printed(descriptor.set === undefined ? '[Getter]' : '[Getter/Setter]');
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

function describeMatcher(matcher: AsymmetricMatcherLike): string {
  try {
    if (typeof matcher.toAsymmetricMatcher === 'function') {
      return String(matcher.toAsymmetricMatcher());
    }
    const name = String(matcher);
    return 'sample' in matcher ? `${name} ${formatForMessage(matcher.sample)}` : name;
  } catch {
    return 'AsymmetricMatcher';
  }
}
