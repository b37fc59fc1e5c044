import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  makeSpoolDirectory,
  removeSpoolDirectory,
  sweepAbandonedSpoolDirectories,
} from '../../environment/spoolDirectory';

describe('spool directories', () => {
  test('are made fresh, named after their process, and gone from their path at once when removed', () => {
    const first = makeSpoolDirectory();
    const second = makeSpoolDirectory();
    expect(path.basename(first)).toMatch(new RegExp(`^jest-integration-${process.pid}-`));
    fs.writeFileSync(`${first}/records.jsonl`, '{}\n');

    expect(first).not.toBe(second);
    removeSpoolDirectory(first);
    removeSpoolDirectory(second);
    expect(fs.existsSync(first)).toBe(false);
    expect(fs.existsSync(second)).toBe(false);
  });

  test('are removed from the disk, with what is in them, soon after', async () => {
    const directory = makeSpoolDirectory();
    fs.writeFileSync(`${directory}/records.jsonl`, '{}\n');
    const parent = path.dirname(directory);
    const leftovers = () =>
      fs.readdirSync(parent).filter((name) => name.startsWith(path.basename(directory)));

    removeSpoolDirectory(directory);
    for (let wait = 0; wait < 100 && leftovers().length > 0; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    expect(leftovers()).toEqual([]);
  });

  test('add one exit listener to the process, however many test files a worker runs', () => {
    removeSpoolDirectory(makeSpoolDirectory());
    const listeners = process.listenerCount('exit');

    for (let file = 0; file < 25; file += 1) {
      removeSpoolDirectory(makeSpoolDirectory());
    }

    // More would make Node warn of a listener leak once a worker has run ten files.
    expect(process.listenerCount('exit')).toBe(listeners);
  });

  describe('left behind by processes that are gone', () => {
    /** A pid no process has. */
    const GONE_PID = 4_000_001;
    let parent: string;

    beforeEach(() => {
      parent = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-'));
    });

    afterEach(() => {
      fs.rmSync(parent, { recursive: true, force: true });
    });

    function folders(...names: string[]): void {
      for (const name of names) {
        fs.mkdirSync(path.join(parent, name));
        fs.writeFileSync(path.join(parent, name, 'records.jsonl'), '{}\n');
      }
    }

    test('are removed, and those of running processes, this one and others are left alone', async () => {
      folders(
        `jest-integration-${GONE_PID}-Ab12Cd`,
        `jest-integration-${GONE_PID}-Ef34Gh.removed`,
        `jest-integration-${process.pid}-Ij56Kl`,
        `jest-integration-${process.ppid}-Mn78Op`,
        'jest-integration-Qr90St',
        'unrelated',
      );

      const removed = await sweepAbandonedSpoolDirectories(parent);

      expect(removed).toEqual([
        `jest-integration-${GONE_PID}-Ab12Cd`,
        `jest-integration-${GONE_PID}-Ef34Gh.removed`,
      ]);
      expect(fs.readdirSync(parent).sort()).toEqual(
        [
          `jest-integration-${process.pid}-Ij56Kl`,
          `jest-integration-${process.ppid}-Mn78Op`,
          'jest-integration-Qr90St',
          'unrelated',
        ].sort(),
      );
    });

    test('are left alone when it cannot be told whether their process runs', async () => {
      folders(`jest-integration-${GONE_PID}-Ab12Cd`);

      const removed = await sweepAbandonedSpoolDirectories(parent, () => {
        throw new Error('no process table here');
      });

      expect(removed).toEqual([]);
      expect(fs.readdirSync(parent)).toEqual([`jest-integration-${GONE_PID}-Ab12Cd`]);
    });

    test('are not looked for in a folder that does not exist', async () => {
      await expect(sweepAbandonedSpoolDirectories(path.join(parent, 'missing'))).resolves.toEqual(
        [],
      );
    });
  });
});
