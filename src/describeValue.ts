import { inspect } from 'node:util';

/**
 * A short, safe description of any value for messages: its type and a one-line preview,
 * e.g. `number 42`, `string ""`, `null`, `object {"a":1}`. Never throws.
 */
export function describeValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (value === undefined) {
    return 'undefined';
  }
  let preview: string;
  try {
    preview = inspect(value, {
      depth: 1,
      breakLength: Infinity,
      maxArrayLength: 5,
      maxStringLength: 60,
    });
  } catch {
    preview = '<uninspectable>';
  }
  if (preview.length > 80) {
    preview = `${preview.slice(0, 77)}...`;
  }
  const type = Array.isArray(value) ? 'array' : typeof value;
  return `${type} ${preview}`;
}
