import { types } from 'node:util';
import { BOUNDARY_BELOW, CAPTURE_BELOW, ErrorPropagation } from '../ErrorPropagation';
import type { BoundaryOptions, CaptureOptions } from '../ErrorPropagation';
import type { ErrorContext } from '../records';

/**
 * An `ErrorPropagation` that also hands every context it records to `report`, in capture
 * order: what `connectWorker()` gives a worker as `errors`, so that its captures reach the
 * test that started it. Same methods, same behaviour, same brand.
 *
 * @example
 * const errors = new ReportingErrorPropagation((context) => channel.send(encode(context)));
 */
export class ReportingErrorPropagation extends ErrorPropagation {
  readonly #report: (context: ErrorContext) => void;
  #reported = 0;

  constructor(report: (context: ErrorContext) => void) {
    super();
    this.#report = report;
  }

  override captureCrossModuleError(
    source: string,
    target: string,
    error: unknown,
    options?: CaptureOptions,
  ): ErrorContext {
    const context = this[CAPTURE_BELOW](
      ReportingErrorPropagation.prototype.captureCrossModuleError,
      source,
      target,
      error,
      options,
    );
    this.#reportNew();
    return context;
  }

  override boundary<Result>(
    source: string,
    target: string,
    fn: () => Result,
    options?: BoundaryOptions,
  ): Result {
    let result: Result;
    try {
      result = this[BOUNDARY_BELOW](
        ReportingErrorPropagation.prototype.boundary,
        source,
        target,
        fn,
        options,
      );
    } catch (error) {
      this.#reportNew();
      throw error;
    }
    if (!types.isPromise(result)) {
      return result;
    }
    // `boundary` returned its own promise (it follows every thenable): what it captures
    // when it rejects is reported right after, and the same reason is passed on.
    return (result as Promise<unknown>).then(undefined, (reason: unknown) => {
      this.#reportNew();
      throw reason;
    }) as Result;
  }

  /** Reports the contexts recorded since the last report, oldest first. */
  #reportNew(): void {
    const chain = this.getErrorChain();
    for (; this.#reported < chain.length; this.#reported += 1) {
      try {
        this.#report(chain[this.#reported] as ErrorContext);
      } catch {
        // Reporting is best effort: the worker's own chain has the context either way.
      }
    }
  }
}
