export { overrideShifts, type Timelines, timelines } from './final';
export { layerShifts } from './layer';
export { type LayerJson, type OverrideJson, parseSchedule, type ScheduleJson } from './parse';
export {
  checkWindow,
  finalShifts,
  MAX_RENDERING_COST,
  onCallAt,
  type RenderedEntry,
  type RenderedSchedule,
  type RenderedTimeline,
  type RenderWindow,
  renderSchedule,
} from './render';
export { clipShifts, coveragePercent, mergeShifts } from './shifts';
export { type ResolvedTarget, type TargetRef, usersForTargets } from './targets';
export { formatInstant, isTimeZone, parseInstant } from './time';
export type { Layer, Override, Restriction, Result, Schedule, Shift } from './types';
