import type { MatcherFunction } from 'expect';
import { now } from '../src/clock';
import { formatLeakedResource } from './formatLeakedResource';
import { matcherError } from './matcherError';
import { resolveReceiver } from './resolveReceiver';

const NAME = 'toHaveNoLeakedResources';

/**
 * Passes when the tracker (or `integration`) has no active resource, or none owned by
 * `module`. A failure lists every leaked record.
 *
 * @example
 * await cache.close();
 * expect(integration).toHaveNoLeakedResources('cache');
 */
export const toHaveNoLeakedResources: MatcherFunction<[module?: string]> = function (
  received,
  ...rest
) {
  const module: unknown = rest[0];
  const hint = this.utils.matcherHint(NAME, 'received', rest.length === 0 ? '' : 'expected', {
    isNot: this.isNot,
    promise: this.promise,
  });
  const tracker = resolveReceiver(received, 'ResourceTracker');
  if (tracker === undefined) {
    throw matcherError(this, hint, 'received', 'be `integration` or a ResourceTracker', received);
  }
  if (module !== undefined && (typeof module !== 'string' || module === '')) {
    throw matcherError(this, hint, 'expected', 'be a non-empty module name or undefined', module);
  }

  const leaked = module === undefined ? tracker.verifyCleanup() : tracker.verifyCleanup(module);
  const { printExpected, printReceived, pluralize } = this.utils;
  const scope = module === undefined ? '' : ` owned by ${printExpected(module)}`;

  if (leaked.length === 0) {
    return {
      pass: true,
      message: () => {
        const released = tracker.getAllResources(module === undefined ? {} : { module }).length;
        return (
          `${hint}\n\n` +
          `Expected: at least one active resource${scope}\n` +
          `Received: none${released === 0 ? ' tracked' : ` (${pluralize('resource', released)} tracked, all released)`}`
        );
      },
    };
  }

  return {
    pass: false,
    message: () => {
      const currentTime = now();
      const lines = leaked.map(
        (record) => `  - ${formatLeakedResource(this, record, currentTime)}`,
      );
      return (
        `${hint}\n\n` +
        `Expected: no active resources${scope}\n` +
        `Received: ${printReceived(leaked.length)} active ${leaked.length === 1 ? 'resource' : 'resources'}\n\n` +
        `${lines.join('\n')}\n\n` +
        'Close each one before this assertion, or release it with `integration.resources.releaseResource(id)` ' +
        'if you tracked it by hand.'
      );
    },
  };
};
