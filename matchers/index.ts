export { createIntegrationMatchers } from './createIntegrationMatchers';
export type { IntegrationMatchersOptions } from './createIntegrationMatchers';
export { registerIntegrationMatchers } from './registerIntegrationMatchers';
export { currentHandleFromGlobal } from './currentHandleFromGlobal';
export { createToCarryErrorContext, toCarryErrorContext } from './toCarryErrorContext';
export { toHaveNoLeakedResources } from './toHaveNoLeakedResources';
export { toHavePropagatedThrough } from './toHavePropagatedThrough';
export { toHaveRecordedConfigChange } from './toHaveRecordedConfigChange';
export { toHaveReleasedResource } from './toHaveReleasedResource';
export type {
  AsymmetricMatcherLike,
  ExpectedConfigChange,
  ExpectedErrorContext,
  IntegrationMatchers,
} from './types';
