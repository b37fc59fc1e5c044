import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { runCommand } from './runCommand';

/** The package as `npm pack` built it. */
export interface PackedTarball {
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Paths inside the tarball, relative to its `package/` folder, sorted. */
  files: string[];
  /** The `package.json` that was packed. */
  packageJson: PackedPackageJson;
}

/** The fields of the packed `package.json` these tests read. */
export interface PackedPackageJson {
  name: string;
  version: string;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export const repositoryRoot = resolve(__dirname, '..', '..');

/** What `npm pack` reads, and what the build reads: the tarball is rebuilt when any of it changes. */
const packInputs = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'scripts',
  'src',
  'environment',
  'matchers',
  'reporter',
  'entry',
];

const WAIT_FOR_OTHER_PACKER_MS = 6 * 60_000;
const STALE_LOCK_MS = 10 * 60_000;

let packing: Promise<PackedTarball> | undefined;

/**
 * Builds the package and runs `npm pack` once for all test files, however many Jest workers run
 * them: the tarball is kept in a temp folder named after a hash of its inputs, and a lock folder
 * (`mkdir` is atomic) makes the other workers wait for the one that packs. It packs a copy of
 * the repository, so `prepare` runs as it does for a user and never touches this work tree's
 * `dist/`. With `PACKAGE_TARBALL=path/to.tgz` set, it tests that tarball instead (a release
 * candidate, say) and builds nothing.
 *
 * @example
 * const { tarball } = await packTarball();
 * await runCommand('npm', ['install', tarball], { cwd: project });
 */
export function packTarball(): Promise<PackedTarball> {
  const given = process.env.PACKAGE_TARBALL;
  packing ??= given === undefined || given === '' ? packOnce() : describeTarball(resolve(given));
  return packing;
}

async function packOnce(): Promise<PackedTarball> {
  const cacheDirectory = join(tmpdir(), 'jest-environment-integration-pack', hashOfInputs());
  const marker = join(cacheDirectory, 'packed.json');
  const lock = join(cacheDirectory, 'lock');
  const failure = join(cacheDirectory, 'failure.txt');
  mkdirSync(cacheDirectory, { recursive: true });

  const deadline = Date.now() + WAIT_FOR_OTHER_PACKER_MS;
  let sawOtherPacker = false;
  for (;;) {
    if (existsSync(marker)) {
      return JSON.parse(readFileSync(marker, 'utf8')) as PackedTarball;
    }
    if (sawOtherPacker && !existsSync(lock) && existsSync(failure)) {
      throw new Error(`npm pack failed in another Jest worker:\n${readFileSync(failure, 'utf8')}`);
    }
    if (tryLock(lock)) {
      break;
    }
    sawOtherPacker = true;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for another Jest worker to pack into ${cacheDirectory}.`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
  }

  try {
    rmSync(failure, { force: true });
    const packed = await buildAndPack(cacheDirectory);
    writeFileSync(`${marker}.tmp`, JSON.stringify(packed, null, 2));
    renameSync(`${marker}.tmp`, marker);
    return packed;
  } catch (error) {
    const stack = (error as { stack?: unknown } | null)?.stack;
    writeFileSync(failure, typeof stack === 'string' ? stack : String(error));
    throw error;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
    // A worker killed while packing leaves its lock behind; do not wait for it forever.
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) {
      rmSync(lock, { recursive: true, force: true });
    }
    return false;
  }
}

async function buildAndPack(cacheDirectory: string): Promise<PackedTarball> {
  const stage = join(cacheDirectory, 'stage');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage);
  for (const input of packInputs) {
    const source = join(repositoryRoot, input);
    if (existsSync(source)) {
      cpSync(source, join(stage, input), { recursive: true });
    }
  }
  // The build needs the dev toolchain (tsc); `npm pack` never packs node_modules.
  symlinkSync(join(repositoryRoot, 'node_modules'), join(stage, 'node_modules'), 'dir');

  for (const file of readdirSync(cacheDirectory)) {
    if (file.endsWith('.tgz')) {
      rmSync(join(cacheDirectory, file));
    }
  }
  await runCommand('npm', ['pack', '--pack-destination', cacheDirectory], {
    cwd: stage,
    timeoutMs: 3 * 60_000,
  });
  const tarballs = readdirSync(cacheDirectory).filter((file) => file.endsWith('.tgz'));
  if (tarballs.length !== 1 || tarballs[0] === undefined) {
    throw new Error(`npm pack left ${tarballs.length} tarballs in ${cacheDirectory}, expected 1.`);
  }
  rmSync(stage, { recursive: true, force: true });
  return describeTarball(join(cacheDirectory, tarballs[0]));
}

/** Lists a tarball's files and reads its `package.json`, without unpacking it. */
async function describeTarball(tarball: string): Promise<PackedTarball> {
  const listing = await runCommand('tar', ['-tzf', tarball], { cwd: tmpdir() });
  const files = listing.stdout
    .split('\n')
    .filter((line) => line.startsWith('package/') && !line.endsWith('/'))
    .map((line) => line.slice('package/'.length))
    .sort();
  const manifest = await runCommand('tar', ['-xzOf', tarball, 'package/package.json'], {
    cwd: tmpdir(),
  });
  const packageJson = JSON.parse(manifest.stdout) as PackedPackageJson;
  return { tarball, files, packageJson };
}

function hashOfInputs(): string {
  const hash = createHash('sha256');
  for (const input of packInputs) {
    for (const file of filesUnder(join(repositoryRoot, input))) {
      hash
        .update(relative(repositoryRoot, file))
        .update('\0')
        .update(readFileSync(file))
        .update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) {
    return [];
  }
  if (!statSync(path).isDirectory()) {
    return [path];
  }
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}
