import { isErrorLike } from '../src/isErrorLike';
import type { ErrorContext } from '../src/records';

/** How deep a cause chain is followed: deeper chains are cut, cycles are stopped earlier. */
const MAX_CAUSE_DEPTH = 32;

/** The captured contexts of one error, and the modules it went through. */
export interface PropagatedError {
  /** What was thrown where the error was first captured. */
  error: unknown;
  /** Its contexts, in capture order. */
  contexts: ErrorContext[];
  /** The source of the first context, then each target, consecutive repeats removed. */
  path: string[];
}

/**
 * Groups captured contexts by the error they describe: contexts share an error when their
 * `original_error` is the same value, or when one wraps the other through its `cause`
 * chain (a module that rethrows `new Error('load failed', {cause})` passes the same error
 * on). Groups come in the order of their first capture.
 *
 * @example
 * groupContextsByError(errors.getErrorChain()).map((each) => each.path);
 * // [['chunker.parser', 'chunker.loader', 'cli.main']]
 */
export function groupContextsByError(contexts: readonly ErrorContext[]): PropagatedError[] {
  const parent = contexts.map((_, index) => index);
  const find = (index: number): number => {
    let root = index;
    while (parent[root] !== root) {
      root = parent[root] as number;
    }
    parent[index] = root;
    return root;
  };
  const ownerOf = new Map<unknown, number>();
  contexts.forEach((context, index) => {
    for (const identity of causeChainOf(context.original_error)) {
      const owner = ownerOf.get(identity);
      if (owner === undefined) {
        ownerOf.set(identity, index);
      } else {
        const [first, second] = [find(owner), find(index)].sort((a, b) => a - b) as [
          number,
          number,
        ];
        parent[second] = first;
      }
    }
  });

  const groups = new Map<number, ErrorContext[]>();
  contexts.forEach((context, index) => {
    const root = find(index);
    groups.set(root, [...(groups.get(root) ?? []), context]);
  });
  return [...groups.values()].map((members) => ({
    error: (members[0] as ErrorContext).original_error,
    contexts: members,
    path: pathOf(members),
  }));
}

/** The thrown value, then its causes while they are error objects. */
function causeChainOf(thrown: unknown): unknown[] {
  const chain = [thrown];
  let current = thrown;
  while (chain.length <= MAX_CAUSE_DEPTH && isErrorLike(current)) {
    let cause: unknown;
    try {
      if (!('cause' in current)) {
        break;
      }
      cause = current.cause;
    } catch {
      break;
    }
    // A primitive cause ('timeout') says nothing about identity: unrelated errors share it.
    if (typeof cause !== 'object' || cause === null || chain.includes(cause)) {
      break;
    }
    chain.push(cause);
    current = cause;
  }
  return chain;
}

function pathOf(contexts: readonly ErrorContext[]): string[] {
  const first = contexts[0];
  const modules =
    first === undefined ? [] : [first.source_module, ...contexts.map((each) => each.target_module)];
  return modules.filter((module, index) => index === 0 || module !== modules[index - 1]);
}
