import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Replaces `file` whole: writes it beside itself under a name unique to this call, then
 * renames it into place, so that a reader sees the old file or the new one, never half of
 * one, even with several processes writing.
 *
 * @example
 * writeFileAtomically('/repo/integration-report/integration-report.json', json);
 */
export function writeFileAtomically(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
