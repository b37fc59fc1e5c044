import type { MatcherFunction } from 'expect';
import { now } from '../src/clock';
import { formatDuration } from './formatDuration';
import { formatLeakedResource } from './formatLeakedResource';
import { matcherError } from './matcherError';
import { resolveReceiver } from './resolveReceiver';

const NAME = 'toHaveReleasedResource';

/** How many tracked ids a failure lists when the id was never tracked. */
const MAX_LISTED_IDS = 10;

/**
 * Passes when the resource with this id was tracked and is now released (when the id was
 * tracked again after a release, the newer, active record counts).
 *
 * @example
 * server.close();
 * expect(integration.resources).toHaveReleasedResource('server:4000');
 */
export const toHaveReleasedResource: MatcherFunction<[id: string]> = function (received, id) {
  const hint = this.utils.matcherHint(NAME, 'received', 'expected', {
    isNot: this.isNot,
    promise: this.promise,
  });
  const tracker = resolveReceiver(received, 'ResourceTracker');
  if (tracker === undefined) {
    throw matcherError(this, hint, 'received', 'be `integration` or a ResourceTracker', received);
  }
  if (typeof id !== 'string' || id === '') {
    throw matcherError(this, hint, 'expected', 'be a non-empty resource id', id);
  }

  const record = tracker.getResourceState(id);
  const { printExpected, printReceived } = this.utils;

  if (record?.state === 'released') {
    return {
      pass: true,
      message: () => {
        const lifetime =
          typeof record.released_at === 'number'
            ? ` after ${formatDuration(record.released_at - record.created_at)}`
            : '';
        return (
          `${hint}\n\n` +
          `Expected: resource ${printExpected(id)} not released\n` +
          `Received: released${lifetime} (${record.resource_type} owned by ${printReceived(record.owner_module)})`
        );
      },
    };
  }

  return {
    pass: false,
    message: () => {
      const expectedLine = `Expected: resource ${printExpected(id)} released\n`;
      if (record !== undefined) {
        return `${hint}\n\n${expectedLine}Received: still active: ${formatLeakedResource(this, record, now())}`;
      }
      const ids = [...new Set(tracker.getAllResources().map((each) => each.resource_id))];
      const listed = ids.slice(0, MAX_LISTED_IDS).map((each) => printReceived(each));
      if (ids.length > MAX_LISTED_IDS) {
        listed.push(`and ${ids.length - MAX_LISTED_IDS} more`);
      }
      return (
        `${hint}\n\n${expectedLine}Received: no resource with this id was tracked` +
        (ids.length === 0 ? ', nor any other' : `\n\nTracked ids: ${listed.join(', ')}`)
      );
    },
  };
};
