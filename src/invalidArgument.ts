import { describeValue } from './describeValue';
import { IntegrationError } from './IntegrationError';

/**
 * Builds the `INVALID_ARGUMENT` error for a value that is not what `name` must be, in the
 * form every argument check uses: `call: \`name\` must be <mustBe>, but received <value>.
 * Pass <hint>.` Use it for checks that `assertNonEmptyString` / `assertPlainObject` cannot
 * express (one of a set of words, a list of strings, a function).
 *
 * @example
 * throw invalidArgument('new ConfigChangeObserver(options)', 'options.unmappedConfig',
 *   "'all' or 'none'", value, "'all' (every known module) or 'none'");
 */
export function invalidArgument(
  call: string,
  name: string,
  mustBe: string,
  value: unknown,
  hint: string,
): IntegrationError {
  return new IntegrationError(
    'INVALID_ARGUMENT',
    `${call}: \`${name}\` must be ${mustBe}, but received ${describeValue(value)}. Pass ${hint}.`,
    { argument: name, received: value },
  );
}
