/**
 * `jest-environment-integration`: the Jest environment (the default export, which
 * `testEnvironment: 'integration'` loads) and the record keepers it is built on, usable on
 * their own.
 *
 * @example
 * // a custom environment on top of this one
 * const { IntegrationEnvironment } = require('jest-environment-integration');
 * module.exports = class MyEnvironment extends IntegrationEnvironment {};
 */
import { IntegrationEnvironment } from '../environment/IntegrationEnvironment';

export default IntegrationEnvironment;
export { IntegrationEnvironment, IntegrationEnvironment as TestEnvironment };
export { withIntegration } from '../environment/withIntegration';
export type {
  EnvironmentConstructor,
  IntegrationEnvironmentMembers,
} from '../environment/withIntegration';
export type { IntegrationLifecycle, ScopeListener } from '../environment/IntegrationLifecycle';
export type { IntegrationScope } from '../environment/IntegrationScope';
export type {
  IgnoreRule,
  IntegrationOptions,
  IntegrationOptionsInput,
  LeakMode,
} from '../environment/options';

export { ResourceTracker } from '../src/ResourceTracker';
export { ConfigChangeObserver } from '../src/ConfigChangeObserver';
export type {
  ConfigChangeListener,
  ConfigChangeObserverOptions,
} from '../src/ConfigChangeObserver';
export { ErrorPropagation } from '../src/ErrorPropagation';
export { ErrorPropagationMixin } from '../src/ErrorPropagationMixin';
export { IntegrationError } from '../src/IntegrationError';
export type { IntegrationErrorCode } from '../src/IntegrationError';
export { toJSONSafe, serializeError } from '../src/toJSONSafe';
export type { SerializedError } from '../src/toJSONSafe';
export type {
  ErrorContext,
  ConfigChangeEvent,
  ResourceRecord,
  ResourceState,
} from '../src/records';
export type { IntegrationHandle, LeakFilter } from '../src/IntegrationHandle';
