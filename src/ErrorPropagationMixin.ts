import { BRAND } from './brand';
import { BOUNDARY_BELOW, CAPTURE_BELOW, ErrorPropagation } from './ErrorPropagation';
import type { BoundaryOptions, CaptureOptions, ExpectedErrorContext } from './ErrorPropagation';
import type { ErrorContext } from './records';

/** Any class, abstract or not, whatever its constructor takes. */
export type AnyConstructor = abstract new (...args: never[]) => object;

/** The methods `ErrorPropagationMixin` adds: those of `ErrorPropagation`. */
export type ErrorPropagationMethods = Pick<
  ErrorPropagation,
  'captureCrossModuleError' | 'verifyErrorContext' | 'boundary' | 'getErrorChain'
>;

/**
 * The class `ErrorPropagationMixin(Base)` returns: `Base`'s constructor and static members,
 * with instances that are `Base`'s plus the `ErrorPropagation` methods. Abstract when `Base`
 * is.
 */
export type ErrorPropagationMixinClass<Base extends AnyConstructor> = Omit<Base, 'prototype'> & {
  prototype: InstanceType<Base> & ErrorPropagationMethods;
} & (Base extends new (...args: never[]) => object
    ? new (...args: ConstructorParameters<Base>) => InstanceType<Base> & ErrorPropagationMethods
    : abstract new (
        ...args: ConstructorParameters<Base>
      ) => InstanceType<Base> & ErrorPropagationMethods);

/**
 * Each instance's own `ErrorPropagation`, made on first use: kept outside the instance so
 * that the mixin adds no fields to the user's class, and so that `Base`'s constructor may
 * already call the methods.
 */
const owned = new WeakMap<object, ErrorPropagation>();

function errorsOf(instance: object): ErrorPropagation {
  let errors = owned.get(instance);
  if (errors === undefined) {
    errors = new ErrorPropagation();
    owned.set(instance, errors);
  }
  return errors;
}

/**
 * Gives a class-based suite the four `ErrorPropagation` methods, each instance recording its
 * own chain. Instances carry the `'ErrorPropagation'` brand, so the matchers accept them.
 *
 * @example
 * class ParserSuite extends ErrorPropagationMixin(BaseSuite) {
 *   parse(text: string) {
 *     return this.boundary('chunker.parser', 'cli.main', () => parse(text), { operation: 'parse' });
 *   }
 * }
 * const suite = new ParserSuite();
 * expect(() => suite.parse('{')).toThrow(SyntaxError);
 * suite.getErrorChain()[0].error_type; // 'SyntaxError'
 */
export function ErrorPropagationMixin<Base extends AnyConstructor>(
  Base: Base,
): ErrorPropagationMixinClass<Base> {
  // The `any[]` constructor a TypeScript mixin class needs is left out of the public type
  // above, which keeps `Base`'s own constructor parameters.
  const Extendable = Base as unknown as new (...args: unknown[]) => object;

  class WithErrorPropagation extends Extendable implements ErrorPropagationMethods {
    /** As `ErrorPropagation.captureCrossModuleError`. */
    captureCrossModuleError(
      source: string,
      target: string,
      error: unknown,
      options?: CaptureOptions,
    ): ErrorContext {
      return errorsOf(this)[CAPTURE_BELOW](
        WithErrorPropagation.prototype.captureCrossModuleError,
        source,
        target,
        error,
        options,
      );
    }

    /** As `ErrorPropagation.verifyErrorContext`. */
    verifyErrorContext(context: ErrorContext, expected: ExpectedErrorContext): void {
      errorsOf(this).verifyErrorContext(context, expected);
    }

    /** As `ErrorPropagation.boundary`. */
    boundary<Result>(
      source: string,
      target: string,
      fn: () => Result,
      options?: BoundaryOptions,
    ): Result {
      return errorsOf(this)[BOUNDARY_BELOW](
        WithErrorPropagation.prototype.boundary,
        source,
        target,
        fn,
        options,
      );
    }

    /** As `ErrorPropagation.getErrorChain`. */
    getErrorChain(): ErrorContext[] {
      return errorsOf(this).getErrorChain();
    }
  }

  Object.defineProperty(WithErrorPropagation.prototype, BRAND, { value: 'ErrorPropagation' });
  return WithErrorPropagation as unknown as ErrorPropagationMixinClass<Base>;
}
