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

/** Removes the folder and what is in it. Never throws. */
export function removeSpoolDirectory(directory: string): void {
  try {
    removeFolder(directory);
    openDirectories.delete(directory);
  } catch {
    // A spool file still open on Windows: removed when the process exits.
  }
}

/** Closing the socket removed its file, so most folders are empty: one call removes them. */
function removeFolder(directory: string): void {
  try {
    fs.rmdirSync(directory);
  } catch {
    fs.rmSync(directory, { recursive: true, force: true });
  }
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
