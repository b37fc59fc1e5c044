// Times a synthetic Jest suite under four set-ups, alternating between them in every round:
//
//   node                plain jest-environment-node (the baseline)
//   integration off     this package's environment with autoTrack: false
//   integration on      this package's environment with autoTrack: true (the default)
//   detectOpenHandles   plain jest-environment-node with --detectOpenHandles
//
// and prints the median, fastest and slowest wall time of each, with its ratio to the
// baseline, and the median CPU time (user + system, of Jest and its workers), which a busy
// machine disturbs far less than wall time. Every run of another set-up is bracketed by
// baseline runs (node, off, node, on, node, detect, node in a round), and its ratio is the
// median, over the rounds, of its time divided by the mean of the two baseline runs just
// before and just after it (see `bracketedRatio`). Our environment is timed
// from the build (dist/entry/index.js, made by `npm run build`); without a build its rows
// are skipped, with a note.
//
//   node bench/suite.bench.mjs [--runs 5] [--files 60] [--tests 40] [--workers <n>]
//                              [--only node,off,on,detect] [--environment <built entry>]
//
// `--environment` times another build of our environment (a branch checked out elsewhere)
// instead of this repository's dist/entry/index.js.
//
// Every run must pass every test: a run that fails (a leak reported on this clean suite, a
// crash) stops the benchmark with Jest's output, since its time would mean nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateSuite } from './generateSuite.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, '..');
const generated = join(here, '.generated');
const suiteDirectory = join(generated, 'suite');
const jestBin = join(repository, 'node_modules', 'jest', 'bin', 'jest.js');

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    files: { type: 'string', default: '60' },
    tests: { type: 'string', default: '40' },
    workers: { type: 'string' },
    only: { type: 'string' },
    environment: { type: 'string' },
  },
});
const ourEnvironment = resolve(args.environment ?? join(repository, 'dist', 'entry', 'index.js'));
const runs = Number(args.runs);
const files = Number(args.files);
const testsPerFile = Number(args.tests);
if (!(runs >= 1 && files >= 1 && testsPerFile >= 2)) {
  throw new Error(
    'suite.bench: --runs must be at least 1, --files at least 1, --tests at least 2.',
  );
}

const variants = [
  { key: 'node', label: 'jest-environment-node', environment: 'node' },
  {
    key: 'off',
    label: 'integration, autoTrack: false',
    environment: ourEnvironment,
    options: { integration: { autoTrack: false } },
    needsBuild: true,
  },
  {
    key: 'on',
    label: 'integration, autoTrack: true',
    environment: ourEnvironment,
    options: { integration: { autoTrack: true } },
    needsBuild: true,
  },
  {
    key: 'detect',
    label: 'node + --detectOpenHandles',
    environment: 'node',
    flags: ['--detectOpenHandles'],
  },
].filter((variant) => args.only === undefined || args.only.split(',').includes(variant.key));

// bash's `times` reports the CPU time of finished children (Jest, which waits for its
// workers): Node itself exposes no children's rusage.
const measureCpu = process.platform !== 'win32' && spawnSync('bash', ['-c', 'times']).status === 0;
const built = existsSync(ourEnvironment);
const active = variants.filter((variant) => built || !variant.needsBuild);
if (!built && active.length < variants.length) {
  console.log(
    `Note: ${ourEnvironment} does not exist (run \`npm run build\`): our environment is not timed.\n`,
  );
}

const totalTests = generateSuite(suiteDirectory, { files, testsPerFile });
console.log(
  `Synthetic suite: ${files} files, ${totalTests} tests (promises, timers, immediates, one loopback HTTP request per file).`,
);
console.log(
  `Node ${process.version}; ${runs} rounds after one warm-up run each: in every round, each set-up runs once between two plain-node runs.\n`,
);

function jestConfig(variant) {
  return {
    rootDir: suiteDirectory,
    testMatch: ['<rootDir>/**/*.test.js'],
    testEnvironment: variant.environment,
    testEnvironmentOptions: variant.options ?? {},
    transform: {},
    cacheDirectory: join(generated, 'jest-cache'),
    watchman: false,
  };
}

function runOnce(variant) {
  const outputFile = join(generated, `result-${variant.key}.json`);
  const timesFile = join(generated, `times-${variant.key}.txt`);
  rmSync(outputFile, { force: true });
  rmSync(timesFile, { force: true });
  const command = [
    jestBin,
    '--config',
    JSON.stringify(jestConfig(variant)),
    '--ci',
    '--silent',
    '--json',
    '--outputFile',
    outputFile,
    ...(args.workers === undefined ? [] : ['--maxWorkers', args.workers]),
    ...(variant.flags ?? []),
  ];
  const started = performance.now();
  const child = measureCpu
    ? spawnSync(
        'bash',
        [
          '-c',
          '"$@"; status=$?; times > "$BENCH_TIMES_FILE"; exit $status',
          'bench',
          process.execPath,
          ...command,
        ],
        {
          cwd: suiteDirectory,
          encoding: 'utf8',
          env: { ...process.env, BENCH_TIMES_FILE: timesFile },
        },
      )
    : spawnSync(process.execPath, command, { cwd: suiteDirectory, encoding: 'utf8' });
  const wall = performance.now() - started;
  const result = existsSync(outputFile) ? JSON.parse(readFileSync(outputFile, 'utf8')) : undefined;
  if (
    child.status !== 0 ||
    result === undefined ||
    result.numFailedTests !== 0 ||
    result.numTotalTests !== totalTests
  ) {
    console.error(child.stdout);
    console.error(child.stderr);
    throw new Error(
      `suite.bench: the "${variant.label}" run failed (exit ${child.status}, ${result?.numFailedTests ?? '?'} failed of ${result?.numTotalTests ?? '?'}); its time would mean nothing.`,
    );
  }
  return { wall, cpu: measureCpu ? childrenCpuMs(readFileSync(timesFile, 'utf8')) : Number.NaN };
}

/** The second line of `times` (the children's user and system time), in ms. */
function childrenCpuMs(output) {
  const children = output.trim().split('\n')[1] ?? '';
  const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2) {
    throw new Error(`suite.bench: cannot read CPU times from \`times\`: ${JSON.stringify(output)}`);
  }
  return parts.reduce(
    (sum, [, minutes, seconds]) => sum + (Number(minutes) * 60 + Number(seconds)) * 1000,
    0,
  );
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const seconds = (ms) => (Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const ratio = (value) => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(3)}x`);

mkdirSync(generated, { recursive: true });
for (const variant of active) {
  process.stdout.write(`warm-up: ${variant.label}... `);
  console.log(seconds(runOnce(variant).wall));
}

const wallTimes = new Map(active.map((variant) => [variant.key, []]));
const cpuTimes = new Map(active.map((variant) => [variant.key, []]));
const baseline = active.find((variant) => variant.key === 'node');
const others = active.filter((variant) => variant !== baseline);
// Each run of another set-up over the mean of the baseline runs just before and after it.
const bracketed = new Map(others.map((variant) => [variant.key, { wall: [], cpu: [] }]));
for (let round = 0; round < runs; round += 1) {
  const line = [];
  const timed = (variant) => {
    const times = runOnce(variant);
    wallTimes.get(variant.key).push(times.wall);
    cpuTimes.get(variant.key).push(times.cpu);
    line.push(`${variant.key} ${seconds(times.wall)} (cpu ${seconds(times.cpu)})`);
    return times;
  };
  // Rotate the order every round, so that no set-up always runs first or after another.
  const order = others.map((_, index) => others[(index + round) % others.length]);
  let before = baseline === undefined ? undefined : timed(baseline);
  for (const variant of order) {
    const times = timed(variant);
    const after = baseline === undefined ? undefined : timed(baseline);
    if (before !== undefined && after !== undefined) {
      const ratios = bracketed.get(variant.key);
      ratios.wall.push(times.wall / ((before.wall + after.wall) / 2));
      ratios.cpu.push(times.cpu / ((before.cpu + after.cpu) / 2));
    }
    before = after;
  }
  console.log(`round ${round + 1}/${runs}: ${line.join(', ')}`);
}

// A shared machine drifts over minutes, and even between one run and the next: the baseline
// runs on either side of a run follow that drift where the medians of whole columns, or one
// baseline run per round, would not.
const bracketedRatio = (variant, measure) => {
  if (variant === baseline) {
    return 1;
  }
  const ratios = bracketed.get(variant.key)?.[measure] ?? [];
  return ratios.length === 0 ? Number.NaN : median(ratios);
};
const rows = active.map((variant) => {
  const wall = wallTimes.get(variant.key);
  const cpu = cpuTimes.get(variant.key);
  return {
    setup: variant.label,
    median: seconds(median(wall)),
    fastest: seconds(Math.min(...wall)),
    slowest: seconds(Math.max(...wall)),
    vs_node: ratio(bracketedRatio(variant, 'wall')),
    median_cpu: seconds(median(cpu)),
    cpu_vs_node: ratio(bracketedRatio(variant, 'cpu')),
  };
});

const headers = ['set-up', 'median', 'fastest', 'slowest', 'vs node', 'median CPU', 'CPU vs node'];
const cells = rows.map((row) => Object.values(row));
const widths = headers.map((header, column) =>
  Math.max(header.length, ...cells.map((row) => row[column].length)),
);
const format = (row) =>
  `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
console.log(`\n${format(headers)}`);
console.log(
  `|${widths.map((width, column) => (column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`,
);
for (const row of cells) {
  console.log(format(row));
}

const resultsDirectory = join(here, 'results');
mkdirSync(resultsDirectory, { recursive: true });
const resultFile = join(
  resultsDirectory,
  `suite-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
);
writeFileSync(
  resultFile,
  `${JSON.stringify(
    {
      node: process.version,
      files,
      tests: totalTests,
      runs,
      wall_ms: Object.fromEntries(wallTimes),
      cpu_ms: Object.fromEntries(cpuTimes),
      bracketed_ratios: Object.fromEntries(bracketed),
      rows,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nRaw times: ${resultFile}`);
