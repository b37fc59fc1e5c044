import { brandOf } from '../src/brand';
import type {
  ConfigChangeEvent,
  ErrorContext,
  ResourceRecord,
  ResourceState,
} from '../src/records';

/*
 * What the matchers read from each record keeper. Declared here, structurally, rather than
 * imported from the classes, because the object a test hands to `expect` may come from
 * another copy of this package (the test realm's) whose class is not ours.
 */

/** The parts of a `ResourceTracker` the matchers read. */
export interface ResourceReader {
  verifyCleanup(module?: string): Readonly<ResourceRecord>[];
  getResourceState(id: string): Readonly<ResourceRecord> | undefined;
  getAllResources(filter?: {
    module?: string;
    state?: ResourceState;
    type?: string;
  }): Readonly<ResourceRecord>[];
}

/** The parts of a `ConfigChangeObserver` the matchers read. */
export interface ConfigReader {
  getChangeLog(): ConfigChangeEvent[];
}

/** The parts of an `ErrorPropagation` the matchers read. */
export interface ErrorReader {
  getErrorChain(): ErrorContext[];
}

interface Readers {
  ResourceTracker: ResourceReader;
  ConfigChangeObserver: ConfigReader;
  ErrorPropagation: ErrorReader;
}

/** Where the `integration` handle keeps each record keeper. */
const HANDLE_MEMBER = {
  ResourceTracker: 'resources',
  ConfigChangeObserver: 'config',
  ErrorPropagation: 'errors',
} as const;

/**
 * The record keeper of `kind` behind `received`: `received` itself when it carries that
 * brand, its member when it is the `integration` handle, else `undefined`. Recognised by
 * brand, never by `instanceof`, so that objects from another realm or package copy count.
 */
export function resolveReceiver<Kind extends keyof Readers>(
  received: unknown,
  kind: Kind,
): Readers[Kind] | undefined {
  const brand = brandOf(received);
  if (brand === kind) {
    return received as Readers[Kind];
  }
  if (brand === 'IntegrationHandle') {
    const member = (received as Record<string, unknown>)[HANDLE_MEMBER[kind]];
    if (brandOf(member) === kind) {
      return member as Readers[Kind];
    }
  }
  return undefined;
}
