import { describe, expect, test } from '@jest/globals';
import fs from 'node:fs';
import { makeSpoolDirectory, removeSpoolDirectory } from '../../environment/spoolDirectory';

describe('spool directories', () => {
  test('are made fresh and removed with what is in them', () => {
    const first = makeSpoolDirectory();
    const second = makeSpoolDirectory();
    fs.writeFileSync(`${first}/records.jsonl`, '{}\n');

    expect(first).not.toBe(second);
    removeSpoolDirectory(first);
    removeSpoolDirectory(second);
    expect(fs.existsSync(first)).toBe(false);
    expect(fs.existsSync(second)).toBe(false);
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
