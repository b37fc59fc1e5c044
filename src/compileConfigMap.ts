import { loadPicomatch } from './loadPicomatch';

/** The modules a config path affects, or `undefined` when no key of the map covers it. */
export type AffectedModulesLookup = (path: string) => string[] | undefined;

/**
 * Compiles a config map (keys already validated, values sorted and deduplicated) into a
 * look-up that tries, in order:
 *
 * 1. the exact key (`parser.timeout_ms`);
 * 2. the longest dotted prefix (`parser` covers `parser.timeout_ms` and `parser.limits.max`,
 *    never `parser_x` nor `pars.x`);
 * 3. every glob key that matches, their modules merged. In globs `.` separates segments the
 *    way `/` does in file paths: `parser.*` matches `parser.timeout_ms` but not
 *    `parser.limits.max`; `parser.**` matches both (and `parser` itself); `**` matches all.
 *
 * Keys are globs when picomatch sees glob syntax in them (`*`, `?`, `[...]`, `{a,b}`, ...);
 * only the other keys take part in steps 1 and 2.
 *
 * @example
 * const lookup = compileConfigMap({ parser: ['chunker.parser'], 'env.*': ['cli.main'] });
 * lookup('parser.limits.max'); // ['chunker.parser']
 * lookup('env.HOME'); // ['cli.main']
 * lookup('cache.dir'); // undefined
 */
export function compileConfigMap(
  configMap: Readonly<Record<string, readonly string[]>>,
): AffectedModulesLookup {
  const literal = new Map<string, readonly string[]>();
  const globs: { matches: (path: string) => boolean; modules: readonly string[] }[] = [];
  for (const [key, modules] of Object.entries(configMap)) {
    if (loadPicomatch().scan(key).isGlob) {
      // `windows: false`: a backslash in a config path is a character, not a separator.
      const matches = loadPicomatch()(toSlashPath(key), { windows: false, dot: true });
      globs.push({ matches: (path) => matches(toSlashPath(path)), modules });
    } else {
      literal.set(key, modules);
    }
  }

  return (path) => {
    for (let candidate = path; ;) {
      const modules = literal.get(candidate);
      if (modules !== undefined) {
        return [...modules];
      }
      const lastDot = candidate.lastIndexOf('.');
      if (lastDot <= 0) {
        break;
      }
      candidate = candidate.slice(0, lastDot);
    }
    let matched: Set<string> | undefined;
    for (const glob of globs) {
      if (glob.matches(path)) {
        matched ??= new Set();
        for (const module of glob.modules) {
          matched.add(module);
        }
      }
    }
    return matched === undefined ? undefined : [...matched].sort();
  };
}

// A `/` inside a key or path is an ordinary character: move it out of the way (to a
// private-use code point) before `.` becomes the separator picomatch understands.
function toSlashPath(dotted: string): string {
  return dotted.replaceAll('/', '\uE000').replaceAll('.', '/');
}
