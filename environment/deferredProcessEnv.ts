/**
 * Variables of Node's own `process.env` (the Jest process's, not the test realm's) whose
 * writing waits until something reads `process.env`. A write to the real environment costs
 * several microseconds, and the worker channel points a variable at the running scope as
 * every test starts and finishes, while hardly any test starts a child. Every Node API that
 * hands the environment on (`spawn` and its siblings, `spawnSync`, `new Worker`) reads
 * `process.env` first, which runs the accessor put on `process` here: it writes what is
 * waiting, then gives the environment object as before.
 *
 * @example
 * setProcessEnvLater('JEST_INTEGRATION_WORKER_SCOPE', '1.7'); // nothing written yet
 * child_process.spawn('node', ['worker.js']); // written just before the child is made
 */

const waiting = new Map<string, string>();

/** Whether `process.env` is the accessor below, set up on the first write that waits. */
let deferring: boolean | undefined;

/** The environment object the accessor hands out: Node's own, or what was assigned since. */
let environment: NodeJS.ProcessEnv | undefined;

/**
 * Sets `key` to `value` in `process.env` before anything reads it next. Where `process.env`
 * cannot be made an accessor (another tool made it read-only), it is set at once.
 */
export function setProcessEnvLater(key: string, value: string): void {
  deferring ??= deferReads();
  if (deferring) {
    waiting.set(key, value);
  } else {
    process.env[key] = value;
  }
}

/** Sets `key` to `value`, or deletes it for `undefined`, now; a write waiting for it is dropped. */
export function setProcessEnvNow(key: string, value: string | undefined): void {
  waiting.delete(key);
  if (value === undefined) {
    delete process.env[key];
  } else {
    process.env[key] = value;
  }
}

function deferReads(): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(process, 'env');
  if (descriptor === undefined || !('value' in descriptor) || descriptor.configurable !== true) {
    return false;
  }
  environment = descriptor.value as NodeJS.ProcessEnv;
  return Reflect.defineProperty(process, 'env', {
    configurable: true,
    enumerable: descriptor.enumerable ?? true,
    get: readEnvironment,
    set: (next: NodeJS.ProcessEnv) => {
      environment = next;
    },
  });
}

function readEnvironment(): NodeJS.ProcessEnv | undefined {
  if (waiting.size > 0 && environment !== undefined) {
    try {
      for (const [key, value] of waiting) {
        environment[key] = value;
      }
    } catch {
      // An environment that refuses the variable: its children go without it, as before.
    }
    waiting.clear();
  }
  return environment;
}
