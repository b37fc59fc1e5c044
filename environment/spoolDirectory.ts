import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { socketPathFor } from '../src/worker/workerProtocol';

/** The longest Unix socket path every platform accepts. */
const MAX_SOCKET_PATH_BYTES = 100;

const openDirectories = new Set<string>();
/** One `exit` listener for the whole process, however many test files it runs. */
let removesAtExit = false;

/**
 * A fresh folder for one test file's worker channel, removed when the process exits if
 * `removeSpoolDirectory` was never called (a run that crashed before teardown).
 *
 * @example
 * const directory = makeSpoolDirectory(); // '/tmp/jest-integration-Ab12Cd'
 * removeSpoolDirectory(directory);
 */
export function makeSpoolDirectory(): string {
  let directory = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-integration-'));
  if (
    process.platform !== 'win32' &&
    Buffer.byteLength(socketPathFor(directory)) > MAX_SOCKET_PATH_BYTES
  ) {
    // A long TMPDIR (macOS) would make the socket path too long to bind.
    fs.rmSync(directory, { recursive: true, force: true });
    directory = fs.mkdtempSync('/tmp/jest-integration-');
  }
  if (!removesAtExit) {
    removesAtExit = true;
    process.on('exit', removeAll);
  }
  openDirectories.add(directory);
  return directory;
}

/**
 * Removes the folder and what is in it. Its path is gone when this returns, so a worker
 * still holding it finds nothing; the folder itself, moved aside, is removed in the
 * background (removing a folder can wait on the file system for a millisecond or more,
 * which every test file would spend idle), or at exit if the process ends first. Never
 * throws.
 */
export function removeSpoolDirectory(directory: string): void {
  let doomed = directory;
  try {
    fs.renameSync(directory, `${directory}.removed`);
    doomed = `${directory}.removed`;
    openDirectories.delete(directory);
    openDirectories.add(doomed);
  } catch {
    // Removed where it is, then.
  }
  removeFolder(doomed, () => openDirectories.delete(doomed));
}

/** Closing the socket removed its file, so most folders are empty: one call removes them. */
function removeFolder(directory: string, removed: () => void): void {
  fs.rmdir(directory, (error) => {
    if (error === null) {
      removed();
      return;
    }
    fs.rm(directory, { recursive: true, force: true }, (rmError) => {
      if (rmError === null) {
        removed();
      }
      // Otherwise a spool file still open on Windows: removed when the process exits.
    });
  });
}

function removeAll(): void {
  for (const directory of openDirectories) {
    try {
      fs.rmSync(directory, { recursive: true, force: true });
    } catch {
      // Nothing more can be done while the process exits.
    }
  }
  openDirectories.clear();
}
