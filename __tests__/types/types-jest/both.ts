// A suite with @types/jest installed may still import `expect` from '@jest/globals':
// the matchers are typed there too, and the two declarations do not clash.
import { expect as importedExpect } from '@jest/globals';
import type { IntegrationMatchers } from '../../../entry/matchers';

declare const integration: unknown;

importedExpect(integration).toHaveNoLeakedResources('cache');
expect(integration).toHaveNoLeakedResources('cache');
importedExpect({ integration }).toEqual({
  integration: importedExpect.toHaveReleasedResource('server:4000'),
});

const matchers: IntegrationMatchers<void> = expect(integration);
// @ts-expect-error an id is a string
importedExpect(integration).toHaveReleasedResource(4000);
// @ts-expect-error an id is a string
matchers.toHaveReleasedResource(4000);
