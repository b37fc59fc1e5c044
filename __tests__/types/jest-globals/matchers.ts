// Compiles only if the matchers are typed for `import { expect } from '@jest/globals'`;
// each `@ts-expect-error` line must stay an error. Checked by __tests__/types/typings.test.ts.
import { expect } from '@jest/globals';
import type { ExpectedConfigChange, ExpectedErrorContext } from '../../../entry/matchers';
import type { ErrorContext } from '../../../src/records';

declare const integration: unknown;
declare const context: ErrorContext;
declare const error: Error;

expect(integration).toHaveNoLeakedResources();
expect(integration).toHaveNoLeakedResources('cache');
expect(integration).not.toHaveNoLeakedResources('cache');
expect(integration).toHaveReleasedResource('server:4000');
expect(context).toCarryErrorContext({ source_module: 'chunker.parser', operation: 'parse' });
expect(error).toCarryErrorContext({
  error_message: expect.stringContaining('token'),
  timestamp: expect.any(Number),
  context_data: { file: 'a.ts' },
  original_error: error,
});
expect(integration).toHavePropagatedThrough(['chunker.parser', 'cli.main']);
expect(integration).toHavePropagatedThrough(['chunker.parser'] as const);
expect(integration).toHaveRecordedConfigChange('parser.timeout_ms');
expect(integration).toHaveRecordedConfigChange('parser.timeout_ms', {
  from: 100,
  to: expect.any(Number),
  affecting: ['chunker.parser'],
});
expect(integration).not.toHaveRecordedConfigChange('env.CACHE_DIR', { from: undefined });

// After `.resolves` / `.rejects` a matcher returns a promise to await.
const awaited: Promise<void> = expect(
  Promise.resolve(integration),
).resolves.toHaveNoLeakedResources();
const rejected: Promise<void> = expect(Promise.reject(error)).rejects.toCarryErrorContext({
  operation: 'parse',
});
const immediate: void = expect(integration).toHaveReleasedResource('server:4000');

// Asymmetric forms, also negated.
expect({ error }).toEqual({
  error: expect.toCarryErrorContext({ source_module: 'chunker.parser' }),
});
expect({ integration }).toEqual(
  expect.objectContaining({
    integration: expect.toHaveRecordedConfigChange('parser.timeout_ms', { to: 250 }),
  }),
);
expect([integration]).toEqual([expect.not.toHaveNoLeakedResources('cache')]);
expect(integration).toEqual(expect.toHavePropagatedThrough(['chunker.parser']));
expect(integration).toEqual(expect.not.toHaveReleasedResource('server:4000'));

const expectedContext: ExpectedErrorContext = { operation: 'parse' };
const expectedChange: ExpectedConfigChange = { affecting: ['cli.main'] };
expect(context).toCarryErrorContext(expectedContext);
expect(integration).toHaveRecordedConfigChange('parser', expectedChange);

// @ts-expect-error a module name is a string
expect(integration).toHaveNoLeakedResources(42);
// @ts-expect-error the id is required
expect(integration).toHaveReleasedResource();
// @ts-expect-error an id is a string
expect(integration).toHaveReleasedResource(4000);
// @ts-expect-error a module name is a string
expect(context).toCarryErrorContext({ source_module: 42 });
// @ts-expect-error an ErrorContext has no key `source`
expect(context).toCarryErrorContext({ source: 'chunker.parser' });
// @ts-expect-error expected keys are an object
expect(context).toCarryErrorContext('chunker.parser');
// @ts-expect-error modules are an array
expect(integration).toHavePropagatedThrough('chunker.parser');
// @ts-expect-error modules are strings
expect(integration).toHavePropagatedThrough([1, 2]);
// @ts-expect-error a config path is a string
expect(integration).toHaveRecordedConfigChange(['parser', 'timeout_ms']);
// @ts-expect-error `affecting` is an array of module names
expect(integration).toHaveRecordedConfigChange('parser.timeout_ms', { affecting: 'cli.main' });
// @ts-expect-error the options are `from`, `to` and `affecting`
expect(integration).toHaveRecordedConfigChange('parser.timeout_ms', { form: 100 });
// @ts-expect-error the asymmetric form takes the same arguments
expect.toHaveReleasedResource(4000);
// @ts-expect-error not a matcher of this package
expect(integration).toHaveLeakedNothing();

export { awaited, rejected, immediate };
