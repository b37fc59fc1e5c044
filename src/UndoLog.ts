/**
 * How to put one property back as it was before an observed change.
 *
 * - `previous` is the property's own descriptor before the change; `undefined` means the
 *   key was not an own property, so undoing deletes it.
 * - `assigned` is set when the change went through a setter: undoing assigns the value the
 *   getter gave before, so that the setter runs again, instead of redefining the property.
 * - `arrayLength` is the array's length before the change: deleting an element that was
 *   appended leaves the length alone, so undoing puts the length back too.
 */
export interface UndoStep {
  readonly target: object;
  readonly key: string;
  /** The dotted path, to name the change when undoing it fails. */
  readonly path: string;
  readonly previous: PropertyDescriptor | undefined;
  readonly assigned?: { readonly value: unknown };
  readonly arrayLength?: number;
}

/** A change that could not be undone, and why. */
export interface UndoFailure {
  readonly path: string;
  readonly error: unknown;
}

/**
 * The observed changes, newest last, so that they can be undone in reverse order: undoing
 * them all in that order leaves every object exactly as it was, whatever the order and
 * overlap of the changes.
 *
 * @example
 * const log = new UndoLog();
 * log.push(undoStepFor(target, 'port', 'server.port'));
 * target.port = 8080;
 * log.undoAll(); // target.port is back, or the failure is returned
 */
export class UndoLog {
  #steps: UndoStep[] = [];

  get size(): number {
    return this.#steps.length;
  }

  push(step: UndoStep): void {
    this.#steps.push(step);
  }

  /** Undoes every step, newest first, and empties the log. A step that fails is skipped. */
  undoAll(): UndoFailure[] {
    const steps = this.#steps;
    this.#steps = [];
    const failures: UndoFailure[] = [];
    for (let index = steps.length - 1; index >= 0; index -= 1) {
      const step = steps[index] as UndoStep;
      try {
        if (!undo(step)) {
          failures.push({
            path: step.path,
            error: new TypeError(`\`${step.key}\` is read-only or not configurable now`),
          });
        }
      } catch (error) {
        failures.push({ path: step.path, error });
      }
    }
    return failures;
  }
}

/**
 * Captures how to undo a change to `target[key]` that is about to happen. Call it before
 * the change: it reads the property as it is now.
 */
export function undoStepFor(target: object, key: string, path: string): UndoStep {
  const previous = Reflect.getOwnPropertyDescriptor(target, key);
  const arrayLength = Array.isArray(target) ? target.length : undefined;
  if (previous === undefined ? hasInheritedSetter(target, key) : previous.set !== undefined) {
    return {
      target,
      key,
      path,
      previous,
      assigned: { value: Reflect.get(target, key) },
      arrayLength,
    };
  }
  return { target, key, path, previous, arrayLength };
}

function undo(step: UndoStep): boolean {
  const { target, key, previous } = step;
  let undone: boolean;
  if (step.assigned !== undefined) {
    undone = Reflect.set(target, key, step.assigned.value);
  } else if (previous === undefined) {
    undone = Reflect.deleteProperty(target, key);
  } else if (isPlainDataProperty(previous) && canAssign(target, key)) {
    // Assign rather than redefine when nothing but the value differs: objects like
    // `process.env` (or Jest's copy of it) only keep their bookkeeping through `set`.
    undone = Reflect.set(target, key, previous.value);
  } else {
    undone = Reflect.defineProperty(target, key, previous);
  }
  if (step.arrayLength !== undefined && (target as unknown[]).length !== step.arrayLength) {
    undone = Reflect.set(target, 'length', step.arrayLength) && undone;
  }
  return undone;
}

function canAssign(target: object, key: string): boolean {
  const current = Reflect.getOwnPropertyDescriptor(target, key);
  return current === undefined ? !hasInheritedSetter(target, key) : isPlainDataProperty(current);
}

function isPlainDataProperty(descriptor: PropertyDescriptor | undefined): boolean {
  return (
    descriptor !== undefined &&
    'value' in descriptor &&
    descriptor.writable === true &&
    descriptor.enumerable === true &&
    descriptor.configurable === true
  );
}

function hasInheritedSetter(target: object, key: string): boolean {
  for (
    let prototype = Reflect.getPrototypeOf(target);
    prototype !== null;
    prototype = Reflect.getPrototypeOf(prototype)
  ) {
    const descriptor = Reflect.getOwnPropertyDescriptor(prototype, key);
    if (descriptor !== undefined) {
      return descriptor.set !== undefined;
    }
  }
  return false;
}
