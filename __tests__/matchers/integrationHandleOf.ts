import { BRAND } from '../../src/brand';
import { ConfigChangeObserver } from '../../src/ConfigChangeObserver';
import { ErrorPropagation } from '../../src/ErrorPropagation';
import type { IntegrationHandle } from '../../src/IntegrationHandle';
import { ResourceTracker } from '../../src/ResourceTracker';

/**
 * A handle shaped like the environment's `integration`, around the given (or fresh)
 * record keepers, so that matchers can be tested without the environment.
 */
export function integrationHandleOf(parts: Partial<IntegrationHandle> = {}): IntegrationHandle {
  const handle = {
    resources: parts.resources ?? new ResourceTracker(),
    config: parts.config ?? new ConfigChangeObserver(),
    errors: parts.errors ?? new ErrorPropagation(),
    allowLeaks: () => undefined,
  };
  Object.defineProperty(handle, BRAND, { value: 'IntegrationHandle' });
  return handle;
}
