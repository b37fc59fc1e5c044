import type { RELEASE_TRUSTED, TRACK_TRUSTED } from '../ResourceTracker';

/**
 * What auto-tracking writes to: the part of `ResourceTracker` it uses. The environment
 * hands over the tracker of the scope that is running (test, `describe` block or file).
 *
 * `metadata` values must be kept by reference (a shallow copy is fine):
 * `metadata.creation_stack` formats itself only when read.
 *
 * @example
 * const target: AutoTrackTarget = new ResourceTracker();
 */
export interface AutoTrackTarget {
  trackResource(
    module: string,
    type: string,
    id: string,
    metadata?: Record<string, unknown>,
    options?: { close?: () => unknown },
  ): unknown;
  releaseResource(id: string): unknown;
  /** A `ResourceTracker`'s unchecked `trackResource`, used where there is one. */
  [TRACK_TRUSTED]?(
    module: string,
    type: string,
    id: string,
    metadata: Readonly<Record<string, unknown>>,
    close: (() => unknown) | undefined,
  ): void;
  /** A `ResourceTracker`'s `releaseResource` that hands no record back, used where there is one. */
  [RELEASE_TRUSTED]?(id: string): void;
  /** Whether the test adopted this object itself (`resources.adopt`): its record speaks for it. */
  isAdopted?(object: object): boolean;
}
