export { AUTO_TRACK_KINDS, isAutoTrackKind } from './AutoTrackKind';
export type { AutoTrackKind } from './AutoTrackKind';
export type { AutoTrackTarget } from './AutoTrackTarget';
export { CreationStack } from './CreationStack';
export { installAutoTracking } from './installAutoTracking';
export type { AutoTracking, AutoTrackingOptions } from './installAutoTracking';
export { resolveAutoTrackOption } from './resolveAutoTrackOption';
export type { AutoTrackOption, AutoTrackSettings, UnrefPolicy } from './resolveAutoTrackOption';
