import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHANNEL_VARIABLE,
  findChannel,
  openChannel,
  writeRecordsFile,
} from '../../reporter/RecordsChannel';
import type { RecordsChannel, RecordsFile } from '../../reporter/RecordsChannel';

const opened: RecordsChannel[] = [];

function open(env: NodeJS.ProcessEnv = {}): RecordsChannel {
  const channel = openChannel(env);
  opened.push(channel);
  return channel;
}

afterEach(() => {
  for (const channel of opened.splice(0)) {
    channel.close();
  }
});

const records = (testPath: string): Omit<RecordsFile, 'version' | 'run_id'> => ({
  test_path: testPath,
  complete: true,
  scopes: [],
});

describe('openChannel', () => {
  test('opens a fresh folder for the run and names it in the environment for the workers', () => {
    const env: NodeJS.ProcessEnv = {};
    const channel = open(env);

    expect(existsSync(channel.address.directory)).toBe(true);
    expect(JSON.parse(env[CHANNEL_VARIABLE] ?? '')).toEqual({
      version: 1,
      run_id: channel.address.run_id,
      directory: channel.address.directory,
      pid: process.pid,
    });
  });

  test('gives every run its own folder and id, so that no run reads another run’s records', () => {
    const first = open();
    const second = open();

    expect(second.address.directory).not.toBe(first.address.directory);
    expect(second.address.run_id).not.toBe(first.address.run_id);
  });

  test('removes the folder and the variable when closed, and puts back a variable it replaced', () => {
    const foreign = JSON.stringify({ version: 1, run_id: 'x', directory: '/nowhere', pid: 1 });
    const env: NodeJS.ProcessEnv = { [CHANNEL_VARIABLE]: foreign };
    const channel = open(env);

    channel.close();
    channel.close();

    expect(existsSync(channel.address.directory)).toBe(false);
    expect(env[CHANNEL_VARIABLE]).toBe(foreign);
  });

  test('lets a second reporter of the same run join the open channel without removing it', () => {
    const env: NodeJS.ProcessEnv = {};
    const owner = open(env);
    const joined = open(env);

    joined.close();

    expect(joined.address).toEqual(owner.address);
    expect(existsSync(owner.address.directory)).toBe(true);
    expect(env[CHANNEL_VARIABLE]).toBeDefined();
  });

  test('opens a new channel when the published one is gone (the previous run of a watch session)', () => {
    const env: NodeJS.ProcessEnv = {};
    const previous = open(env);
    previous.close();
    env[CHANNEL_VARIABLE] = JSON.stringify(previous.address);

    const next = open(env);

    expect(next.address.directory).not.toBe(previous.address.directory);
    expect(existsSync(next.address.directory)).toBe(true);
  });
});

describe('findChannel', () => {
  test.each([
    ['no variable', {}],
    ['an empty variable', { [CHANNEL_VARIABLE]: '' }],
    ['a variable that is not JSON', { [CHANNEL_VARIABLE]: 'not json' }],
    [
      'a variable of another version',
      { [CHANNEL_VARIABLE]: '{"version":2,"run_id":"r","directory":"/d","pid":7}' },
    ],
    ['a variable without a folder', { [CHANNEL_VARIABLE]: '{"version":1,"run_id":"r","pid":7}' }],
  ])('finds no channel with %s: the environment records nothing', (_case, env) => {
    expect(findChannel(env as NodeJS.ProcessEnv, { pid: 7, ppid: 1 })).toBeUndefined();
  });

  test.each([
    ['in Jest’s main process (--runInBand)', { pid: 7, ppid: 1 }],
    ['in a worker Jest started', { pid: 8, ppid: 7 }],
  ])('finds the channel %s', (_case, ids) => {
    const env = { [CHANNEL_VARIABLE]: '{"version":1,"run_id":"r","directory":"/d","pid":7}' };

    expect(findChannel(env, ids)).toEqual({ version: 1, run_id: 'r', directory: '/d', pid: 7 });
  });

  test('ignores a channel inherited from another Jest (a test that runs Jest itself)', () => {
    const env = { [CHANNEL_VARIABLE]: '{"version":1,"run_id":"r","directory":"/d","pid":7}' };

    expect(findChannel(env, { pid: 30, ppid: 20 })).toBeUndefined();
  });
});

describe('records files', () => {
  test('reads back what the environment wrote for a test file, and leaves no temporary file', () => {
    const channel = open();
    const written = { ...records('/repo/a.test.ts'), complete: false };

    writeRecordsFile(channel.address, 'project-1', written);

    expect(channel.read('project-1', '/repo/a.test.ts')).toEqual({
      version: 1,
      run_id: channel.address.run_id,
      ...written,
    });
    expect(readdirSync(channel.address.directory).filter((name) => name.endsWith('.tmp'))).toEqual(
      [],
    );
  });

  test('keeps the same test file of two projects apart', () => {
    const channel = open();
    writeRecordsFile(channel.address, 'unit', { ...records('/repo/a.test.ts'), complete: true });
    writeRecordsFile(channel.address, 'e2e', { ...records('/repo/a.test.ts'), complete: false });

    expect(channel.read('unit', '/repo/a.test.ts')?.complete).toBe(true);
    expect(channel.read('e2e', '/repo/a.test.ts')?.complete).toBe(false);
  });

  test('reads nothing for a file the environment did not write', () => {
    expect(open().read('project-1', '/repo/never.test.ts')).toBeUndefined();
  });

  test('never returns the records of another run, even in the same folder', () => {
    const channel = open();
    writeRecordsFile(
      { ...channel.address, run_id: 'an-earlier-run' },
      'p',
      records('/repo/a.test.ts'),
    );

    expect(channel.read('p', '/repo/a.test.ts')).toBeUndefined();
  });

  test.each([
    ['half a file', '{"version":1,"run_id":'],
    [
      'a file of another version',
      '{"version":2,"run_id":"RUN","test_path":"/repo/a.test.ts","scopes":[]}',
    ],
    ['a file without scopes', '{"version":1,"run_id":"RUN","test_path":"/repo/a.test.ts"}'],
  ])('reads %s as no records rather than failing the run', (_case, content) => {
    const channel = open();
    writeRecordsFile(channel.address, 'p', records('/repo/a.test.ts'));
    const [name] = readdirSync(channel.address.directory);
    writeFileSync(
      join(channel.address.directory, name as string),
      content.replace('RUN', channel.address.run_id),
    );

    expect(channel.read('p', '/repo/a.test.ts')).toBeUndefined();
  });

  test('refuses to write into a channel whose folder is gone, without leaving a temporary file', () => {
    const channel = open();
    channel.close();

    expect(() => writeRecordsFile(channel.address, 'p', records('/repo/a.test.ts'))).toThrow();
    expect(existsSync(channel.address.directory)).toBe(false);
  });
});
