import { describeValue } from '../describeValue';
import { IntegrationError } from '../IntegrationError';
import { AUTO_TRACK_KINDS, isAutoTrackKind } from './AutoTrackKind';
import type { AutoTrackKind } from './AutoTrackKind';

/**
 * What to do with a handle that is still open at the verdict but unref'd (`timer.unref()`,
 * `server.unref()`, a keep-alive socket resting in an HTTP agent's pool): `'ignore'` (the
 * default) does not report it, as Node does not wait for it and Jest's
 * `--detectOpenHandles` does not report it either; `'report'` reports it like any other,
 * with `metadata.ref === false`.
 */
export type UnrefPolicy = 'ignore' | 'report';

/**
 * The `autoTrack` option as users write it: `true` (every kind, the default), `false`, a
 * list of kinds, or an object that also says what to do with unref'd handles.
 *
 * @example
 * testEnvironmentOptions: { integration: { autoTrack: { kinds: ['timer', 'interval'], unref: 'report' } } }
 */
export type AutoTrackOption =
  | boolean
  | readonly AutoTrackKind[]
  | { kinds?: boolean | readonly AutoTrackKind[]; unref?: UnrefPolicy };

/**
 * The `autoTrack` option once checked: the kinds to track (empty when auto-tracking is off)
 * and the unref policy.
 *
 * @example
 * resolveAutoTrackOption(['timer']); // { kinds: Set { 'timer' }, unref: 'ignore' }
 */
export interface AutoTrackSettings {
  readonly kinds: ReadonlySet<AutoTrackKind>;
  readonly unref: UnrefPolicy;
}

const OPTION = 'testEnvironmentOptions.integration: `autoTrack`';
const KIND_LIST = AUTO_TRACK_KINDS.map((kind) => `'${kind}'`).join(', ');

/**
 * Checks the `autoTrack` option (`undefined` means the default, `true`) and resolves it to
 * settings. Refuses anything else with an `IntegrationError` `INVALID_OPTION` that names
 * the accepted values.
 *
 * @example
 * const { kinds, unref } = resolveAutoTrackOption(options.autoTrack);
 * if (kinds.size > 0) installAutoTracking({ kinds, unref, ... });
 */
export function resolveAutoTrackOption(value: unknown): AutoTrackSettings {
  if (value === undefined || typeof value === 'boolean' || Array.isArray(value)) {
    return { kinds: resolveKinds(value, '`autoTrack`'), unref: 'ignore' };
  }
  if (typeof value !== 'object' || value === null) {
    throw new IntegrationError(
      'INVALID_OPTION',
      `${OPTION} must be true, false, a list of kinds or an object { kinds, unref }, but received ${describeValue(value)}. Pass e.g. \`autoTrack: ['timer', 'tcp-server']\`; the kinds are ${KIND_LIST}.`,
      { option: 'autoTrack', received: value },
    );
  }
  const { kinds, unref, ...unknownKeys } = value as { kinds?: unknown; unref?: unknown };
  const unknownNames = Object.keys(unknownKeys);
  if (unknownNames.length > 0) {
    throw new IntegrationError(
      'INVALID_OPTION',
      `${OPTION} has unknown ${plural(unknownNames.length, 'key')} ${unknownNames.map((name) => `\`${name}\``).join(', ')}. Pass an object with \`kinds\` and/or \`unref\` only.`,
      { option: 'autoTrack', received: value },
    );
  }
  if (unref !== undefined && unref !== 'ignore' && unref !== 'report') {
    throw new IntegrationError(
      'INVALID_OPTION',
      `${OPTION} \`unref\` must be 'ignore' or 'report', but received ${describeValue(unref)}. Pass 'report' to report unref'd handles that are still open, 'ignore' (the default) not to.`,
      { option: 'autoTrack.unref', received: unref },
    );
  }
  if (kinds !== undefined && typeof kinds !== 'boolean' && !Array.isArray(kinds)) {
    throw new IntegrationError(
      'INVALID_OPTION',
      `${OPTION} \`kinds\` must be true, false or a list of kinds, but received ${describeValue(kinds)}. Pass e.g. \`kinds: ['timer', 'interval']\`; the kinds are ${KIND_LIST}.`,
      { option: 'autoTrack.kinds', received: kinds },
    );
  }
  return { kinds: resolveKinds(kinds, '`autoTrack.kinds`'), unref: unref ?? 'ignore' };
}

function resolveKinds(
  value: boolean | unknown[] | undefined,
  name: string,
): ReadonlySet<AutoTrackKind> {
  if (value === undefined || value === true) {
    return new Set(AUTO_TRACK_KINDS);
  }
  if (value === false) {
    return new Set();
  }
  const unknownKinds = value.filter((kind) => !isAutoTrackKind(kind));
  if (unknownKinds.length > 0) {
    throw new IntegrationError(
      'INVALID_OPTION',
      `testEnvironmentOptions.integration: ${name} lists unknown ${plural(unknownKinds.length, 'kind')} ${unknownKinds.map(describeValue).join(', ')}. Pass kinds from ${KIND_LIST}.`,
      { option: 'autoTrack', received: value },
    );
  }
  return new Set(value as AutoTrackKind[]);
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}
