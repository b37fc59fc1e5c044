import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { socketPathFor } from '../src/worker/workerProtocol';

/** The longest Unix socket path every platform accepts. */
const MAX_SOCKET_PATH_BYTES = 100;

const PREFIX = 'jest-integration-';
/** `jest-integration-<pid>-<random>`, and the same moved aside for removal. */
const SPOOL_DIRECTORY_NAME = /^jest-integration-(\d+)-[^.]+(?:\.removed)?$/;

const openDirectories = new Set<string>();
/** One `exit` listener for the whole process, however many test files it runs. */
let removesAtExit = false;

/**
 * A fresh folder for a worker channel, named after this process, removed when the process
 * exits if `removeSpoolDirectory` was never called. The first one a process makes also
 * starts a sweep of the folders that processes gone before left behind.
 *
 * @example
 * const directory = makeSpoolDirectory(); // '/tmp/jest-integration-4242-Ab12Cd'
 * removeSpoolDirectory(directory);
 */
export function makeSpoolDirectory(): string {
  let directory = fs.mkdtempSync(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
  if (
    process.platform !== 'win32' &&
    Buffer.byteLength(socketPathFor(directory)) > MAX_SOCKET_PATH_BYTES
  ) {
    // A long TMPDIR (macOS) would make the socket path too long to bind.
    fs.rmSync(directory, { recursive: true, force: true });
    directory = fs.mkdtempSync(`/tmp/${PREFIX}${process.pid}-`);
  }
  if (!removesAtExit) {
    removesAtExit = true;
    process.on('exit', removeAll);
    void sweepAbandonedSpoolDirectories(path.dirname(directory));
  }
  openDirectories.add(directory);
  return directory;
}

/**
 * Removes the spool folders of processes that ended without removing theirs: a Jest worker
 * that would not exit is killed, and a killed process runs no `exit` listener. In the
 * background; never rejects. A folder is left alone while a process with its number runs
 * (or may run: one of another user), so a live run's folder is never touched. Resolves
 * with the names removed.
 */
export function sweepAbandonedSpoolDirectories(
  parent: string,
  isRunning: (pid: number) => boolean = isProcessRunning,
): Promise<string[]> {
  return new Promise((resolve) => {
    fs.readdir(parent, (error, names) => {
      const abandoned = error === null ? names.filter((name) => isAbandoned(name, isRunning)) : [];
      const removed: string[] = [];
      let pending = abandoned.length;
      if (pending === 0) {
        resolve(removed);
      }
      for (const name of abandoned) {
        fs.rm(path.join(parent, name), { recursive: true, force: true }, (rmError) => {
          if (rmError === null) {
            removed.push(name);
          }
          pending -= 1;
          if (pending === 0) {
            resolve(removed.sort());
          }
        });
      }
    });
  });
}

function isAbandoned(name: string, isRunning: (pid: number) => boolean): boolean {
  const pid = Number(SPOOL_DIRECTORY_NAME.exec(name)?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) {
    return false;
  }
  try {
    return !isRunning(pid);
  } catch {
    return false;
  }
}

function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user. ESRCH: no such process.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
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
