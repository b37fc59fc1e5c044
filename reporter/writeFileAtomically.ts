import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadCrypto } from './loadCrypto';

/**
 * Replaces `file` whole: writes it beside itself under a name unique to this call, then
 * renames it into place, so that a reader sees the old file or the new one, never half of
 * one, even with several processes writing. The folder must exist: a records file written
 * after its run ended must fail, not bring the run's removed folder back.
 *
 * @example
 * writeFileAtomically('/repo/integration-report/integration-report.json', json);
 */
export function writeFileAtomically(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.${loadCrypto().randomUUID()}.tmp`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
