import { types } from 'node:util';
import { loadPicomatch } from '../src/loadPicomatch';
import { describeValue } from '../src/describeValue';
import { IntegrationError } from '../src/IntegrationError';
import type { LeakFilter } from '../src/IntegrationHandle';
import type { ResourceRecord } from '../src/records';
import { creationStackOf } from '../src/creationSite';
import type { IgnoreRule } from './options';

/** Decides whether one record is excused: allowed by the test, or ignored by the options. */
export type RecordPredicate = (record: ResourceRecord) => boolean;

const FILTER_KEYS = ['module', 'type', 'id'] as const;

/**
 * Compiles an `allowLeaks` filter, refusing a malformed one at the call (so the mistake
 * points at the test's own line, not at the verdict). No filter allows every leak.
 *
 * @example
 * const allowed = compileLeakFilter({ type: 'timer', module: 'metrics.*' });
 * allowed(record); // true for a timer owned by 'metrics.flush'
 */
export function compileLeakFilter(filter: unknown): RecordPredicate {
  const call = 'integration.allowLeaks(filter)';
  if (filter === undefined) {
    return () => true;
  }
  if (typeof filter === 'function') {
    const predicate = filter as Extract<LeakFilter, (record: ResourceRecord) => boolean>;
    return (record) => predicate(record) === true;
  }
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${call}: \`filter\` must be an object such as { type: 'timer', module: 'cache.*' }, a function of the record, or nothing (to allow every leak), but received ${describeValue(filter)}.`,
      { argument: 'filter', received: filter },
    );
  }
  const fields = filter as Record<string, unknown>;
  const matchers: Array<(record: ResourceRecord) => boolean> = [];
  for (const key of Object.keys(fields)) {
    if (!(FILTER_KEYS as readonly string[]).includes(key)) {
      throw new IntegrationError(
        'INVALID_ARGUMENT',
        `${call}: unknown key \`${key}\` in \`filter\`. Match on ${FILTER_KEYS.join(', ')} (strings are globs, or RegExps), or pass a function of the record.`,
        { argument: 'filter', received: filter },
      );
    }
    const matches = compilePattern(fields[key], key === 'module' ? 'module' : 'glob');
    if (matches === undefined) {
      throw new IntegrationError(
        'INVALID_ARGUMENT',
        `${call}: \`filter.${key}\` must be a non-empty string (a glob such as 'cache.*') or a RegExp, but received ${describeValue(fields[key])}.`,
        { argument: `filter.${key}`, received: fields[key] },
      );
    }
    matchers.push((record) => matches(fieldOf(record, key as (typeof FILTER_KEYS)[number])));
  }
  return (record) => matchers.every((matches) => matches(record));
}

/**
 * Compiles the `ignore` option (already validated) into one predicate: a record is ignored
 * when any rule matches all of its fields.
 *
 * @param stackOf - where a record's creation stack is found, for `stack` rules
 */
export function compileIgnoreRules(
  rules: readonly IgnoreRule[],
  stackOf: (record: ResourceRecord) => string | undefined = creationStackOf,
): RecordPredicate {
  const compiled = rules.map((rule): RecordPredicate => {
    const fields = typeof rule === 'string' ? { type: rule } : rule;
    const checks: RecordPredicate[] = [];
    for (const [key, pattern] of Object.entries(fields)) {
      if (key === 'stack') {
        const matches = compilePattern(pattern, 'substring');
        if (matches !== undefined) {
          checks.push((record) => matches(stackOf(record) ?? ''));
        }
        continue;
      }
      const matches = compilePattern(pattern, key === 'module' ? 'module' : 'glob');
      if (matches !== undefined && (FILTER_KEYS as readonly string[]).includes(key)) {
        checks.push((record) => matches(fieldOf(record, key as (typeof FILTER_KEYS)[number])));
      }
    }
    return (record) => checks.length > 0 && checks.every((check) => check(record));
  });
  return (record) => compiled.some((ignored) => ignored(record));
}

function fieldOf(record: ResourceRecord, key: (typeof FILTER_KEYS)[number]): string {
  switch (key) {
    case 'module':
      return record.owner_module;
    case 'type':
      return record.resource_type;
    case 'id':
      return record.resource_id;
  }
}

/**
 * How a string pattern matches: `'glob'` where `*` matches any run of characters (types and
 * ids are often paths or addresses); `'module'` as `configMap` keys do, with `.` separating
 * segments (`cache.*` is one level below `cache`, `cache.**` any depth) and a plain name
 * covering its submodules (`cache` covers `cache.store`); `'substring'` for stacks.
 */
function compilePattern(
  pattern: unknown,
  strings: 'glob' | 'module' | 'substring',
): ((value: string) => boolean) | undefined {
  if (types.isRegExp(pattern)) {
    const regExp = pattern as RegExp;
    return (value) => {
      regExp.lastIndex = 0;
      return regExp.test(value);
    };
  }
  if (typeof pattern !== 'string' || pattern.trim() === '') {
    return undefined;
  }
  if (strings === 'substring') {
    return (value) => value.includes(pattern);
  }
  if (strings === 'module') {
    if (!loadPicomatch().scan(pattern).isGlob) {
      return (value) => value === pattern || value.startsWith(`${pattern}.`);
    }
    const matches = loadPicomatch()(toSegments(pattern), { windows: false, dot: true });
    return (value) => matches(toSegments(value));
  }
  const matches = loadPicomatch()(pattern, { bash: true, dot: true, windows: false });
  return (value) => matches(value);
}

/** A dotted module name as a slash path for picomatch, real slashes moved out of the way. */
function toSegments(dotted: string): string {
  return dotted.replaceAll('/', '\uE000').replaceAll('.', '/');
}
