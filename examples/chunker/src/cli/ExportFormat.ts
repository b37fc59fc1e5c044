import { extname } from 'node:path';

/** The two export formats. */
export type ExportFormat = 'jsonl' | 'parquet';

/** The format named by `--format`, else by the file's extension (`.parquet`, else JSON Lines). */
export function exportFormatOf(file: string, named: string | undefined): ExportFormat | undefined {
  const format = named ?? (extname(file) === '.parquet' ? 'parquet' : 'jsonl');
  return format === 'jsonl' || format === 'parquet' ? format : undefined;
}
