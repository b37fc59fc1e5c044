import type { MatcherContext } from 'expect';
import type { ResourceRecord } from '../src/records';
import { creationSite } from '../src/creationSite';
import { formatDuration } from './formatDuration';

/**
 * One leaked record as a failure message line: what it is, who owns it, how long it has
 * been open and, when its metadata says, where it was created.
 *
 * @example
 * formatLeakedResource(this, record, now());
 * // 'tcp-server "server:4000" owned by "cache", open for 120 ms, created at src/cache.ts:12:5'
 */
export function formatLeakedResource(
  context: MatcherContext,
  record: Readonly<ResourceRecord>,
  currentTime: number,
): string {
  const { printReceived } = context.utils;
  // Relative to the working directory: matchers are not told the project's root.
  const site = creationSite(record, process.cwd());
  return (
    `${record.resource_type} ${printReceived(record.resource_id)} owned by ${printReceived(record.owner_module)}` +
    `, open for ${formatDuration(currentTime - record.created_at)}` +
    (site === undefined ? '' : `, created at ${site}`)
  );
}
