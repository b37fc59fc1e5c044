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
  /** Whether the test adopted this object itself (`resources.adopt`): its record speaks for it. */
  isAdopted?(object: object): boolean;
}
