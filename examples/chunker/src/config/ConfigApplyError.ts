/**
 * A setting was changed, but some modules failed to apply it: `errors` holds what each
 * subscriber threw, in subscription order. The new value stays in place; the modules that
 * failed keep running with the old one.
 *
 * It is an `AggregateError`, so tools that follow `errors` (and the framework's cause
 * chains) see every failure.
 *
 * @example
 * try { await config.set('cache.dir', '/read-only'); }
 * catch (error) { if (error instanceof ConfigApplyError) console.error(error.errors); }
 */
export class ConfigApplyError extends AggregateError {
  readonly module = 'chunker.config';
  readonly operation = 'apply';
  readonly path: string;

  constructor(path: string, errors: unknown[]) {
    super(errors, `${errors.length} module(s) failed to apply ${path}`);
    this.name = 'ConfigApplyError';
    this.path = path;
  }
}
