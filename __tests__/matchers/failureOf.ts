/** Colours vary with the terminal; messages are pinned without them. */
// eslint-disable-next-line no-control-regex -- an ANSI colour code starts with ESC
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

/**
 * The message an assertion (or matcher error) throws, colours stripped; fails the test
 * when the assertion passes instead, so that a pinned message cannot go unchecked.
 */
export function failureOf(assertion: () => unknown): string {
  try {
    assertion();
  } catch (error) {
    return messageOf(error);
  }
  throw new Error('Expected the assertion to fail, but it passed.');
}

/** {@link failureOf} for assertions that return a promise (`.resolves`, `.rejects`). */
export async function asyncFailureOf(assertion: () => Promise<unknown>): Promise<string> {
  try {
    await assertion();
  } catch (error) {
    return messageOf(error);
  }
  throw new Error('Expected the assertion to fail, but it passed.');
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message.replace(ANSI_ESCAPE, '') : String(error);
}
