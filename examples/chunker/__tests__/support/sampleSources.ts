/** Small, real-looking source files for the suites. */
export const sampleSources = {
  'math.ts': `import { strict as assert } from 'node:assert';

export function add(a: number, b: number): number {
  return a + b;
}

export const double = (value: number) => value * 2;

export class Counter {
  #count = 0;
  increment(): number {
    this.#count += 1;
    return this.#count;
  }
}

assert.equal(add(1, 2), 3);
`,
  'notes.md': `# Notes

The chunker splits files at blank lines
when they are not code.

- one
- two
`,
  'unbalanced.ts': `export function broken() {
  if (true) {
    return 1;
}
`,
} as const;
