import type { Chunk, ChunkKind } from './Chunk';
import { ParseError } from './ParseError';
import { ParseTimeoutError } from './ParseTimeoutError';

/** How a file is cut: at blank lines, or at top-level function and class boundaries. */
export type SplitStrategy = 'blocks' | 'functions';

/**
 * What `parseSource` needs to know; the `parser` section of the configuration, plus the file.
 *
 * @example
 * parseSource(text, { file: 'a.ts', strategy: 'functions', maxChunkLines: 40, maxFileBytes: 1e6, timeoutMs: 500 });
 */
export interface ParseOptions {
  file: string;
  strategy: SplitStrategy;
  /** A longer chunk is cut into pieces of at most this many lines. */
  maxChunkLines: number;
  /** A larger source is refused with a `ParseError` whose cause is a `RangeError`. */
  maxFileBytes: number;
  /** Parsing stops with a `ParseTimeoutError` once this much time has passed. */
  timeoutMs: number;
  /** The clock, in milliseconds; tests replace it to make time pass. */
  now?: () => number;
}

/** How often the deadline is looked at: reading the clock on every line would cost more than the parse. */
const LINES_BETWEEN_CLOCK_READS = 256;

const DECLARATION =
  /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\b|class\b|(?:const|let|var)\s+[\w$]+\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[\w$]+\s*=>))/;

interface Span {
  kind: ChunkKind;
  start: number;
  end: number;
}

/**
 * Splits source text into chunks with their line ranges.
 *
 * @throws {ParseError} when the source is too large, binary, or its braces do not balance
 *   (with the `functions` strategy).
 * @throws {ParseTimeoutError} when parsing takes longer than `timeoutMs`.
 * @example
 * const chunks = parseSource('a\n\nb\n', { file: 'x.txt', strategy: 'blocks', maxChunkLines: 10, maxFileBytes: 1000, timeoutMs: 100 });
 * chunks.map((chunk) => [chunk.start_line, chunk.end_line]); // [[1, 1], [3, 3]]
 */
export function parseSource(text: string, options: ParseOptions): Chunk[] {
  const { file } = options;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > options.maxFileBytes) {
    throw ParseError.tooLarge(file, bytes, options.maxFileBytes);
  }
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    throw new ParseError(`${file} looks binary (NUL byte at offset ${nul})`, { file });
  }
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') {
    lines.pop();
  }
  const now = options.now ?? (() => performance.now());
  const deadline = now() + options.timeoutMs;
  const checkDeadline = (index: number): void => {
    if (index % LINES_BETWEEN_CLOCK_READS === 0 && now() > deadline) {
      throw new ParseTimeoutError({ file, timeoutMs: options.timeoutMs, line: index + 1 });
    }
  };
  const spans =
    options.strategy === 'functions'
      ? functionSpans(lines, file, checkDeadline)
      : blockSpans(lines, checkDeadline);
  return toChunks(spans, lines, options);
}

function blockSpans(lines: string[], checkDeadline: (index: number) => void): Span[] {
  const spans: Span[] = [];
  let start = -1;
  lines.forEach((line, index) => {
    checkDeadline(index);
    const blank = line.trim() === '';
    if (!blank && start === -1) {
      start = index;
    } else if (blank && start !== -1) {
      spans.push({ kind: 'block', start, end: index - 1 });
      start = -1;
    }
  });
  if (start !== -1) {
    spans.push({ kind: 'block', start, end: lines.length - 1 });
  }
  return spans;
}

function functionSpans(
  lines: string[],
  file: string,
  checkDeadline: (index: number) => void,
): Span[] {
  const spans: Span[] = [];
  let depth = 0;
  let current: Span | undefined;
  let openedAt = 0;
  const close = (end: number): void => {
    if (current) {
      current.end = end;
      spans.push(current);
      current = undefined;
    }
  };
  lines.forEach((line, index) => {
    checkDeadline(index);
    const code = withoutStringsAndComments(line);
    if (depth === 0) {
      if (DECLARATION.test(line)) {
        close(index - 1);
        current = { kind: 'function', start: index, end: index };
      } else if (line.trim() === '') {
        close(index - 1);
      } else if (!current) {
        current = { kind: 'block', start: index, end: index };
      }
    }
    for (const character of code) {
      if (character === '{') {
        if (depth === 0) {
          openedAt = index + 1;
        }
        depth += 1;
      } else if (character === '}') {
        depth -= 1;
        if (depth < 0) {
          throw new ParseError(`${file}:${index + 1}: unexpected }`, { file, line: index + 1 });
        }
      }
    }
    if (depth === 0 && current?.kind === 'function' && /[};]\s*$/.test(code)) {
      close(index);
    }
  });
  if (depth > 0) {
    throw new ParseError(`${file}:${openedAt}: unclosed { (the file ends inside it)`, {
      file,
      line: openedAt,
    });
  }
  close(lines.length - 1);
  return spans;
}

/** Good enough for brace counting: drops string literals, template literals on one line, and comments. */
function withoutStringsAndComments(line: string): string {
  return line
    .replace(/\\./g, '')
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '')
    .replace(/\/\/.*$/, '')
    .replace(/\/\*.*?\*\//g, '');
}

function toChunks(spans: Span[], lines: string[], options: ParseOptions): Chunk[] {
  const chunks: Chunk[] = [];
  for (const span of spans) {
    let { start } = span;
    let { end } = span;
    while (start <= end && lines[start]?.trim() === '') start += 1;
    while (end >= start && lines[end]?.trim() === '') end -= 1;
    for (let pieceStart = start; pieceStart <= end; pieceStart += options.maxChunkLines) {
      const pieceEnd = Math.min(end, pieceStart + options.maxChunkLines - 1);
      chunks.push({
        file: options.file,
        index: chunks.length,
        kind: span.kind,
        start_line: pieceStart + 1,
        end_line: pieceEnd + 1,
        text: lines.slice(pieceStart, pieceEnd + 1).join('\n'),
      });
    }
  }
  return chunks;
}
