import type StackUtils from 'stack-utils';

/** One frame of a stack trace. */
export interface StackFrame {
  file: string | null;
  line: number | null;
  column: number | null;
  function: string | null;
}

let stackUtils: StackUtils | undefined;

/** Made on first use: loading `stack-utils` costs every Jest worker a millisecond or two. */
function theStackUtils(): StackUtils {
  if (stackUtils === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy
    const StackUtilsClass = require('stack-utils') as typeof StackUtils;
    stackUtils = new StackUtilsClass({ cwd: process.cwd(), internals: [] });
  }
  return stackUtils;
}

/** Parses the frames of a V8 stack string (the message lines are skipped). Never throws. */
export function parseStack(stack: unknown): StackFrame[] {
  if (typeof stack !== 'string') {
    return [];
  }
  const frames: StackFrame[] = [];
  const parser = theStackUtils();
  for (const line of stack.split('\n')) {
    if (!/^\s+at /.test(line)) {
      continue;
    }
    const parsed = parser.parseLine(line);
    if (parsed === null) {
      continue;
    }
    frames.push({
      file: parsed.file ?? null,
      line: parsed.line ?? null,
      column: parsed.column ?? null,
      function: parsed.function ?? parsed.method ?? null,
    });
  }
  return frames;
}
