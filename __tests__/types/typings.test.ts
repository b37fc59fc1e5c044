import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const tsc = require.resolve('typescript/bin/tsc');

/**
 * Each flavour is a small TypeScript project that must compile: its files use every matcher
 * correctly, and each `@ts-expect-error` line in them must still be an error.
 */
describe('the matcher typings', () => {
  test.each([
    ["`import { expect } from '@jest/globals'`", 'jest-globals'],
    ["@types/jest's global `expect` (and both at once)", 'types-jest'],
  ])(
    'compile for %s',
    async (_, flavour) => {
      const project = path.join(__dirname, flavour, 'tsconfig.json');
      const output = await run(process.execPath, [
        tsc,
        '-p',
        project,
        '--noEmit',
        '--pretty',
        'false',
      ]).then(
        ({ stdout }) => stdout,
        (error: { stdout?: string; message: string }) => error.stdout || error.message,
      );
      expect(output).toBe('');
    },
    120_000,
  );
});
