import { describe, expect, test } from '@jest/globals';
import {
  LineSplitter,
  parseSpoolFileName,
  readHubControl,
  readSpoolRecord,
  readWorkerControl,
  socketPathFor,
  spoolFileName,
} from '../../src/worker/workerProtocol';

function split(chunks: string[], maxBytes = 16): { lines: string[]; overlong: number } {
  const splitter = new LineSplitter(maxBytes);
  const lines: string[] = [];
  let overlong = 0;
  for (const chunk of chunks) {
    splitter.push(
      Buffer.from(chunk),
      (line) => lines.push(line.toString()),
      () => (overlong += 1),
    );
  }
  return { lines, overlong };
}

describe('LineSplitter', () => {
  test.each([
    ['lines within one chunk', ['a\nb\n'], ['a', 'b']],
    ['a line across chunks', ['ab', 'c', 'd\ne\n'], ['abcd', 'e']],
    ['empty lines', ['\n\na\n'], ['', '', 'a']],
    ['nothing for a line not yet ended', ['abc'], []],
  ])('splits %s', (_case, chunks, lines) => {
    expect(split(chunks)).toEqual({ lines, overlong: 0 });
  });

  test('skips a line longer than the limit, within a chunk or across chunks, once each', () => {
    expect(split(['0123456789abcdefXYZ\nok\n'])).toEqual({ lines: ['ok'], overlong: 1 });
    expect(split(['0123456789', 'abcdefXYZ', 'more', '\nok\n'])).toEqual({
      lines: ['ok'],
      overlong: 1,
    });
  });

  test('holds back no more than the limit, however long a line grows', () => {
    const splitter = new LineSplitter(16);
    for (let index = 0; index < 100; index += 1) {
      splitter.push(
        Buffer.from('0123456789'),
        () => undefined,
        () => undefined,
      );
      expect(splitter.pendingBytes).toBeLessThanOrEqual(16);
    }
  });

  test('keeps what it holds back when the caller reuses its buffer', () => {
    const splitter = new LineSplitter(64);
    const buffer = Buffer.from('abc');
    const lines: string[] = [];
    splitter.push(
      buffer,
      (line) => lines.push(line.toString()),
      () => undefined,
    );
    buffer.write('xyz');
    splitter.push(
      Buffer.from('\n'),
      (line) => lines.push(line.toString()),
      () => undefined,
    );

    expect(lines).toEqual(['abc']);
  });
});

describe('readSpoolRecord', () => {
  const thrown = {
    kind: 'error',
    error: { name: 'TypeError', message: 'x', stack: null, cause: null },
  };

  test.each([
    ['hello', { t: 'hello', v: 1, pid: 1, ppid: 0, thread_id: 2, script: null, scope: '3' }],
    ['track', { t: 'track', module: 'm', type: 't', id: 'i', metadata: {}, stack: 'at x' }],
    ['release', { t: 'release', id: 'i' }],
    [
      'error',
      { t: 'error', source: 's', target: 't', operation: 'o', thrown, context: {}, call_stack: [] },
    ],
    ['config without values', { t: 'config', path: 'a.b' }],
    ['overflow', { t: 'overflow', limit: 10 }],
    ['uncaught value', { t: 'uncaught', thrown: { kind: 'value', value: 'boom' } }],
    ['exit', { t: 'exit', code: 3 }],
  ])('accepts a valid %s record as it is', (_case, record) => {
    expect(readSpoolRecord(record)).toBe(record);
  });

  test.each([
    ['an array', []],
    ['null', null],
    ['an unknown kind', { t: 'launch' }],
    ['a hello without pid', { t: 'hello', v: 1, ppid: 0, thread_id: 2, script: null, scope: null }],
    ['a track with an empty module', { t: 'track', module: ' ', type: 't', id: 'i', metadata: {} }],
    ['a track with array metadata', { t: 'track', module: 'm', type: 't', id: 'i', metadata: [] }],
    ['a release without id', { t: 'release' }],
    [
      'an error whose thrown is no error',
      {
        t: 'error',
        source: 's',
        target: 't',
        operation: 'o',
        thrown: { kind: 'error' },
        context: {},
        call_stack: [],
      },
    ],
    ['a config with an empty path', { t: 'config', path: '' }],
    ['an exit with a fractional code', { t: 'exit', code: 1.5 }],
  ])('refuses %s, saying what is wrong', (_case, value) => {
    expect(readSpoolRecord(value)).toEqual(expect.any(String));
  });

  test('says what each kind of record needs', () => {
    expect([
      readSpoolRecord('text'),
      readSpoolRecord({ t: 42 }),
      readSpoolRecord({ t: 'track', module: 'm' }),
      readSpoolRecord({ t: 'error' }),
    ]).toMatchInlineSnapshot(`
      [
        "it is not a JSON object",
        "its kind 42 is unknown",
        "a "track" record needs module, type and id (non-empty strings) and metadata (an object)",
        "an "error" record needs source, target, operation, thrown, context and call_stack",
      ]
    `);
  });
});

describe('control lines', () => {
  test.each([
    [
      { t: 'attach', spool: 'a.jsonl' },
      { t: 'attach', spool: 'a.jsonl' },
    ],
    [{ t: 'poke', extra: true }, { t: 'poke' }],
    [
      { t: 'flush', id: 1, offset: 20 },
      { t: 'flush', id: 1, offset: 20 },
    ],
    [{ t: 'flush', id: -1, offset: 20 }, undefined],
    [{ t: 'attach' }, undefined],
    ['poke', undefined],
  ])('from a worker: %j reads as %j', (value, expected) => {
    expect(readWorkerControl(value)).toEqual(expected);
  });

  test.each([
    [
      { t: 'ack', id: 2 },
      { t: 'ack', id: 2 },
    ],
    [
      { t: 'refused', id: 2, reason: 'r' },
      { t: 'refused', id: 2, reason: 'r' },
    ],
    [
      { t: 'refused', reason: 'r' },
      { t: 'refused', reason: 'r' },
    ],
    [{ t: 'ack' }, undefined],
    [{ t: 'refused' }, undefined],
  ])('from the environment: %j reads as %j', (value, expected) => {
    expect(readHubControl(value)).toEqual(expected);
  });
});

describe('names and addresses', () => {
  test('a spool file names who wrote it', () => {
    const name = spoolFileName(1234, 5, '0123456789abcdef');

    expect(name).toBe('1234-5-0123456789abcdef.jsonl');
    expect(parseSpoolFileName(name)).toEqual({ pid: 1234, threadId: 5 });
  });

  test.each([
    'hub.sock',
    '../1-2-0123456789abcdef.jsonl',
    '1-2-xyz.jsonl',
    '1-2-0123456789abcdef.json',
  ])('any other file name, such as %s, is no spool file', (name) => {
    expect(parseSpoolFileName(name)).toBeUndefined();
  });

  test('the socket lives in the spool folder, or is a named pipe on Windows', () => {
    expect(socketPathFor('/tmp/jest-integration-abc')).toBe(
      process.platform === 'win32'
        ? '\\\\.\\pipe\\jest-integration-abc'
        : '/tmp/jest-integration-abc/hub.sock',
    );
  });
});
