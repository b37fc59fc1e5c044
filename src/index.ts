export type { ErrorContext, ConfigChangeEvent, ResourceRecord, ResourceState } from './records';
export { IntegrationError } from './IntegrationError';
export type { IntegrationErrorCode } from './IntegrationError';
export { toJSONSafe, serializeError } from './toJSONSafe';
export type { SerializedError } from './toJSONSafe';
