/**
 * The MCP protocol versions orch speaks, in one place: the stateless 2026-07-28 generation
 * (`server/discover`, no `ping`) and the session-based one up to 2025-11-25 (`initialize`).
 * Pure, so the machines may import it.
 */
export const STATELESS_VERSION = '2026-07-28';
export const LEGACY_VERSION = '2025-11-25';

/** What a server's `protocol` policy may say: try both, or insist on one generation. */
export const PROTOCOL_MODES = ['auto', STATELESS_VERSION, 'legacy'] as const;
export type ProtocolMode = (typeof PROTOCOL_MODES)[number];
