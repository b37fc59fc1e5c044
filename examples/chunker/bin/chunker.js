#!/usr/bin/env node
'use strict';
/*
 * The chunker's command line, compiled from src/ to dist/ by
 * `npx tsc -p examples/chunker/tsconfig.build.json` (the example suites build it first,
 * in their globalSetup). Its parse workers run the compiled dist/parallel/parseWorker.js.
 */
const fs = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(compiled)) {
  process.stderr.write(
    'chunker: not built yet; run `npx tsc -p examples/chunker/tsconfig.build.json` first\n',
  );
  process.exit(2);
}

require(compiled)
  .main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
  .then((code) => {
    process.exitCode = code;
  });
