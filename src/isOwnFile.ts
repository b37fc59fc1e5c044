import path from 'node:path';

/*
 * This package's root, wherever it is: the repository when running from sources, or the
 * installed package, whose code sits in `dist/` (and whose source maps, in this repository,
 * point back at the sources: both layouts count).
 */
const parent = path.resolve(__dirname, '..');
const PACKAGE_ROOT = path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
const OWN_FOLDERS = ['dist', 'src', 'environment', 'matchers', 'entry', 'reporter'].map(
  (folder) => path.join(PACKAGE_ROOT, folder) + path.sep,
);

/**
 * Whether an absolute file path is this package's own code: such a frame is never where
 * the code under test created a resource.
 */
export function isOwnFile(file: string): boolean {
  return OWN_FOLDERS.some((folder) => file.startsWith(folder));
}
