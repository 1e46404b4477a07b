/**
 * All the dashboard's templates (`ui/`) take from orch: the shapes they render and the helpers that
 * format them. The templates import this module alone, so they see view models, never actors.
 */
export { nameSegment } from './config/server-name.js';
export { formatBytes, formatLatency, formatPercent, formatRate, formatUptime, orDash } from './format.js';
export { formatDuration } from './machines/describe.js';
export { allowedActions, SERVER_ACTIONS, type ServerAction } from './machines/actions.js';
export { LABEL_FONT_PX, type ChartArrow, type ChartBox, type ChartLayout } from './http/chart-layout.js';
export { DISPLAY_STATES, type DisplayState, type ServerCalls, type ServerDetail, type ServerStatus } from './status.js';
export type { CallSummary } from './gateway/call-stats.js';
export type { SessionInfo } from './gateway/types.js';
export type { DaemonHealth } from './http/deps.js';
export type { ServerGroup } from './machines/membership.js';
export type { Transition } from './transitions.js';
export type { HookStatus } from './webhooks/webhooks.js';
