import StackUtils from 'stack-utils';

/** One frame of a stack trace. */
export interface StackFrame {
  file: string | null;
  line: number | null;
  column: number | null;
  function: string | null;
}

const stackUtils = new StackUtils({ cwd: process.cwd(), internals: [] });

/** Parses the frames of a V8 stack string (the message lines are skipped). Never throws. */
export function parseStack(stack: unknown): StackFrame[] {
  if (typeof stack !== 'string') {
    return [];
  }
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    if (!/^\s+at /.test(line)) {
      continue;
    }
    const parsed = stackUtils.parseLine(line);
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
