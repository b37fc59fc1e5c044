/** The names of the matchers this package adds to `expect` (see `createIntegrationMatchers`). */
export const INTEGRATION_MATCHER_NAMES = [
  'toHaveNoLeakedResources',
  'toHaveReleasedResource',
  'toCarryErrorContext',
  'toHavePropagatedThrough',
  'toHaveRecordedConfigChange',
] as const;

export type IntegrationMatcherName = (typeof INTEGRATION_MATCHER_NAMES)[number];
