import type { MatcherContext } from 'expect';
import { brandOf } from '../src/brand';
import type { BrandKind } from '../src/brand';

/** What each of this package's objects is called when it is the wrong thing to pass. */
const BRANDED_NAMES: Readonly<Record<BrandKind, string>> = {
  IntegrationHandle: 'the `integration` handle',
  ResourceTracker: 'a ResourceTracker',
  ConfigChangeObserver: 'a ConfigChangeObserver',
  ErrorPropagation: 'an ErrorPropagation',
  IntegrationReporter: 'the integration reporter',
  WorkerIntegration: 'a worker connection (connectWorker())',
};

/**
 * A matcher error: wrong usage rather than a failed assertion, so it is thrown, not
 * returned, and says which argument was wrong with its type and value, as Jest's own
 * matchers do ("Matcher error: expected path must be ..."). When the wrong value is one of
 * this package's objects, it is named, because its printed form (`{}`) says little.
 *
 * @param argument - `'received'` for the value under test, `'expected'` for the matcher's
 *   argument, or the name of a specific one (`'path'`)
 * @param requirement - what a good value is, completing "received value must ..."
 */
export function matcherError(
  context: MatcherContext,
  hint: string,
  argument: string,
  requirement: string,
  value: unknown,
): Error {
  const { utils } = context;
  const isReceived = argument === 'received';
  const subject = isReceived
    ? `${utils.RECEIVED_COLOR('received')} value`
    : `${utils.EXPECTED_COLOR('expected')} ${argument === 'expected' ? 'value' : argument}`;
  const brand = brandOf(value);
  const named = brand === undefined ? '' : `, not ${BRANDED_NAMES[brand]}`;
  return new Error(
    utils.matcherErrorMessage(
      hint,
      `${subject} must ${requirement}${named}`,
      utils.printWithType(
        isReceived ? 'Received' : 'Expected',
        value,
        isReceived ? utils.printReceived : utils.printExpected,
      ),
    ),
  );
}
