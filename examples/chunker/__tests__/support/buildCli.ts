import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Jest globalSetup: compiles src/ to dist/ so that the suites spawn the CLI (and its parse
 * workers) as it ships, in compiled JavaScript. Type errors are left to ts-jest and the
 * typecheck (`--noCheck`); the build info makes a second run nearly free.
 */
export default function buildCli(): void {
  const exampleRoot = join(__dirname, '..', '..');
  execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      join(exampleRoot, 'tsconfig.build.json'),
      '--noCheck',
    ],
    { stdio: 'inherit' },
  );
}
