// The ResourceTracker micro-benchmark: how fast records are kept, what a leak check costs
// when many records were released before, and how much memory released records hold.
//
//   npx tsc -p tsconfig.build.json && node --expose-gc bench/core.bench.mjs
//   (or: npm run bench:core)
//
// It reads the compiled tracker, as users run it. Numbers depend on the machine and on what
// else it runs: the load average is printed with them.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { ResourceTracker } from '../dist/src/ResourceTracker.js';

const PAIRS_PER_RUN = 200_000;
const RUNS = 9;
const RELEASED_BEFORE_CHECK = 100_000;
const ACTIVE_AT_CHECK = 10;
const CHECKS_PER_SAMPLE = 1_000;
const RETAINED_RECORDS = 1_000_000;
const TARGET_PAIRS_PER_SECOND = 2_000_000;

const gc = globalThis.gc;
if (typeof gc !== 'function') {
  console.error(
    'Run with node --expose-gc, so that retained memory can be measured after a full GC.',
  );
  process.exit(1);
}

const format = (value, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (task) => task.result.latency.p50; // ms per sample

console.log(
  `ResourceTracker micro-benchmark: node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}`,
);
console.log(
  `load average ${os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}\n`,
);

// 1. Track+release pairs per second: each sample keeps PAIRS_PER_RUN pairs in a fresh tracker
//    (one test's worth of tracker), so the released history grows as it does in real use.
//    Ids made beforehand measure the tracker alone; ids made in the loop add what the caller
//    pays to make each id string, and the garbage collector to keep it (every record is kept).
const premadeIds = Array.from({ length: PAIRS_PER_RUN }, (_, index) => `timer#${index}`);
const throughput = new Bench({ time: 0, iterations: RUNS, warmupIterations: 2, throws: true });
throughput
  .add('ids made beforehand', () => {
    const resources = new ResourceTracker();
    for (let index = 0; index < PAIRS_PER_RUN; index++) {
      const id = premadeIds[index];
      resources.trackResource('cache', 'timer', id);
      resources.releaseResource(id);
    }
  })
  .add('each id made in the loop', () => {
    const resources = new ResourceTracker();
    for (let index = 0; index < PAIRS_PER_RUN; index++) {
      const id = `timer#${index}`;
      resources.trackResource('cache', 'timer', id);
      resources.releaseResource(id);
    }
  })
  .add('with metadata, each id made in the loop', () => {
    const resources = new ResourceTracker();
    for (let index = 0; index < PAIRS_PER_RUN; index++) {
      const id = `timer#${index}`;
      resources.trackResource('cache', 'timer', id, { index });
      resources.releaseResource(id);
    }
  });
await throughput.run();

console.log(
  `1. track+release pairs per second (median of ${RUNS} runs of ${format(PAIRS_PER_RUN)} pairs, a fresh tracker each run)`,
);
for (const task of throughput.tasks) {
  const pairsPerSecond = PAIRS_PER_RUN / (median(task) / 1000);
  const verdict = pairsPerSecond >= TARGET_PAIRS_PER_SECOND ? 'target met' : 'target MISSED';
  console.log(
    `   ${task.name.padEnd(45)} ${format(pairsPerSecond).padStart(12)} pairs/s  ${verdict}`,
  );
}
console.log(`   (target: ${format(TARGET_PAIRS_PER_SECOND)} pairs/s)\n`);

// 2. verifyCleanup() with 100,000 released and 10 active records, against 0 released and 10
//    active: the same work, because leak checks read only the active index.
function trackerWith(released) {
  const resources = new ResourceTracker();
  for (let index = 0; index < released; index++) {
    resources.trackResource('cache', 'timer', `old:${index}`);
    resources.releaseResource(`old:${index}`);
  }
  for (let index = 0; index < ACTIVE_AT_CHECK; index++) {
    resources.trackResource(index % 2 === 0 ? 'cache' : 'api', 'timer', `live:${index}`);
  }
  return resources;
}
// Reading the leaks keeps the optimiser from dropping a check whose result goes unused.
let sink = 0;
const readLeaks = (leaks) => leaks.length + leaks[leaks.length - 1].created_at;
const busy = trackerWith(RELEASED_BEFORE_CHECK);
const fresh = trackerWith(0);
const checks = new Bench({ time: 500, warmupTime: 100, throws: true });
for (const [label, resources] of [
  [`${format(RELEASED_BEFORE_CHECK)} released`, busy],
  ['0 released', fresh],
]) {
  checks
    .add(`verifyCleanup(), ${label}`, () => {
      for (let round = 0; round < CHECKS_PER_SAMPLE; round++) {
        sink += readLeaks(resources.verifyCleanup());
      }
    })
    .add(`verifyCleanup('cache'), ${label}`, () => {
      for (let round = 0; round < CHECKS_PER_SAMPLE; round++) {
        sink += readLeaks(resources.verifyCleanup('cache'));
      }
    });
}
await checks.run();

console.log(`2. verifyCleanup cost with ${ACTIVE_AT_CHECK} active records (median per call)`);
const perCall = new Map(
  checks.tasks.map((task) => [task.name, (median(task) * 1e6) / CHECKS_PER_SAMPLE]),
);
for (const [name, nanoseconds] of perCall) {
  console.log(`   ${name.padEnd(55)} ${format(nanoseconds).padStart(12)} ns`);
}
for (const call of ['verifyCleanup()', "verifyCleanup('cache')"]) {
  const ratio =
    perCall.get(`${call}, ${format(RELEASED_BEFORE_CHECK)} released`) /
    perCall.get(`${call}, 0 released`);
  console.log(
    `   ${call}: ${format(RELEASED_BEFORE_CHECK)} released / 0 released = ${ratio.toFixed(2)}x`,
  );
}
if (!(sink > 0)) {
  throw new Error('the leak checks returned nothing');
}
console.log();

// 3. Memory kept after 1,000,000 tracked-and-released records, after a full GC: the heap plus
//    the typed arrays' backing stores (the history's numeric columns live there).
const retained = () => {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
const before = retained();
const kept = new ResourceTracker();
const startedAt = performance.now();
for (let index = 0; index < RETAINED_RECORDS; index++) {
  const id = `timer#${index}`;
  kept.trackResource('cache', 'timer', id);
  kept.releaseResource(id);
}
const keptPairsPerSecond = RETAINED_RECORDS / ((performance.now() - startedAt) / 1000);
const after = retained();
const perRecord = (after - before) / RETAINED_RECORDS;

// The id strings are the caller's, and any record keeper must keep them: measure them alone.
const idsBefore = retained();
const idsAlone = Array.from({ length: RETAINED_RECORDS }, (_, index) => `timer#${index}`);
const idsPerRecord = (retained() - idsBefore) / RETAINED_RECORDS - 8; // minus the array's slot

console.log(
  `3. memory retained by ${format(RETAINED_RECORDS)} tracked-and-released records (after gc)`,
);
console.log(
  `   ${format((after - before) / 2 ** 20, 1)} MB, ${format(perRecord, 1)} bytes per record`,
);
console.log(
  `   of which the id strings themselves ('timer#123456') take ${format(idsPerRecord, 1)} bytes; the tracker ${format(perRecord - idsPerRecord, 1)}`,
);
console.log(
  `   (filling that one tracker, ids made in the loop, ran at ${format(keptPairsPerSecond)} pairs/s)`,
);
if (
  kept.getAllResources({ state: 'released' }).length !== RETAINED_RECORDS ||
  idsAlone.length === 0
) {
  throw new Error('the tracker lost records');
}
