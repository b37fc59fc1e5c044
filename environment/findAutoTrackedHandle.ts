import { allInstallations } from '../src/autoTrack/Installation';
import type { AutoTrackTarget } from '../src/autoTrack/AutoTrackTarget';

/**
 * The real handle behind an auto-tracked record that is still open, and the tracker of the
 * scope that created it: auto-tracking already knows which scope started each worker
 * thread and child process, so the environment asks it rather than wrapping `Worker` and
 * `spawn` a second time.
 *
 * @example
 * const found = findAutoTrackedHandle('worker#12');
 * found?.handle; // the Worker
 */
export function findAutoTrackedHandle(
  resourceId: string,
): { handle: object; tracker: AutoTrackTarget } | undefined {
  for (const installation of allInstallations()) {
    const tracked = installation.open.get(resourceId);
    const handle = tracked?.deref();
    if (tracked !== undefined && handle !== undefined) {
      return { handle, tracker: tracked.attribution.tracker };
    }
  }
  return undefined;
}
