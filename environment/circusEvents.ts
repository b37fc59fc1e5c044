/**
 * The parts of jest-circus's events and state the environment reads, typed here rather
 * than imported so that one build serves Jest 29 and Jest 30 (whose `@jest/types` differ)
 * and reads every field defensively.
 */

/** A `describe` block; the root block of a file has no `parent`. */
export interface CircusDescribeBlock {
  name: string;
  parent?: CircusDescribeBlock;
}

/** A test as circus runs it: failing it means pushing onto `errors`. */
export interface CircusTestEntry {
  name: string;
  parent: CircusDescribeBlock;
  errors: unknown[];
}

/** The `expect` circus hands to the `setup` event, whose `extend` registers matchers. */
export interface CircusExpect {
  extend(matchers: Record<string, unknown>): void;
}

/** Any circus event, with the fields the environment reads where they exist. */
export interface CircusEvent {
  name: string;
  test?: CircusTestEntry;
  describeBlock?: CircusDescribeBlock;
  runtimeGlobals?: { expect?: CircusExpect };
}

/** Circus's run state: errors that belong to no single test go to `unhandledErrors`. */
export interface CircusState {
  unhandledErrors: unknown[];
}

/** `describe › test` names, as Jest's reporters print them, without the root block. */
export function fullNameOf(entry: { name: string; parent?: CircusDescribeBlock }): string {
  let name = entry.name;
  // The root block is the only one without a parent, and its name is Jest's, not the user's.
  for (let block = entry.parent; block?.parent !== undefined; block = block.parent) {
    name = `${block.name} › ${name}`;
  }
  return name;
}
