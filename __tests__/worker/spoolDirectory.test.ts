import { describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeSpoolDirectory, removeSpoolDirectory } from '../../environment/spoolDirectory';

describe('spool directories', () => {
  test('are made fresh, and gone from their path at once when removed', () => {
    const first = makeSpoolDirectory();
    const second = makeSpoolDirectory();
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
});
