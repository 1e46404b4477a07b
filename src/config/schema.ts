/**
 * The shape of an MCP client config file (Claude Desktop, Claude Code, Cursor, VS Code) plus orch's
 * optional `orchestrator` key. Server entries stay loose, because clients add keys of their own;
 * the `orchestrator` key is strict, so a misspelt policy name is an error rather than ignored.
 * Objects keyed by server, group or variable name come out as Maps: zod's records drop a `__proto__` key.
 */
import { z } from 'zod';
import { SERVER_STATES } from '../machines/server.types.js';
import { PROTOCOL_MODES } from '../mcp/protocol.js';
import { nameProblem } from './server-name.js';

/** Node timers hold at most 2³¹−1 ms and turn anything longer into 1 ms; no policy needs over a day. */
export const MAX_DURATION_MS = 86_400_000;

// Checked first and aborting, so 1e20 gets this one message rather than a safe-integer one as well.
const milliseconds = () =>
  z
    .number()
    .max(MAX_DURATION_MS, { error: (issue) => `expected at most ${MAX_DURATION_MS} (24 h), got ${String(issue.input)}`, abort: true })
    .int();
const ms = milliseconds().nonnegative();
const positiveMs = milliseconds().positive();

/** A JSON object as a Map of its own keys, each key and value validated (issues keep the key in their path). */
function keyedBy<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) {
  return z.preprocess((input, ctx) => {
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return new Map(Object.entries(input));
    ctx.addIssue({ code: 'invalid_type', expected: 'object', input });
    return z.NEVER;
  }, z.map(key, value));
}

/** A name checked by `nameProblem`; `what` says which kind in the message. */
const checkedName = (what: 'server' | 'group') =>
  z.string().superRefine((name, ctx) => {
    const problem = nameProblem(name, what);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const serverName = checkedName('server');

/** The complete policy: the one declaration of its shape (the `Policy` type is inferred from it). */
export const policySchema = z.strictObject({
  health: z.strictObject({
    intervalMs: positiveMs,
    timeoutMs: positiveMs,
    failureThreshold: z.number().int().min(1),
    cpuPercent: z.number().positive(),
    memoryBytes: z.number().int().positive(),
  }),
  restart: z.strictObject({
    maxRestarts: z.number().int().nonnegative(),
    windowMs: positiveMs,
    /**
     * Only failed starts and exits within this long of reaching `running` count toward `maxRestarts`:
     * a server that worked for a while between crashes is always restarted (PM2's min_uptime).
     */
    minUptimeMs: ms,
    backoffMs: ms,
    maxBackoffMs: ms,
    /** Fraction of each backoff delay added or removed at random, so crashed siblings do not restart in lockstep. */
    jitter: z.number().min(0).max(1),
    resetAfterMs: positiveMs,
  }),
  start: z.strictObject({ timeoutMs: positiveMs }),
  stop: z.strictObject({ graceMs: ms, killTimeoutMs: positiveMs }),
  protocol: z.enum(PROTOCOL_MODES),
  /** How clients reach the server through orch's `/mcp/NAME` endpoint. */
  gateway: z.strictObject({
    /** `shared`: every client session uses the one supervised process; `per-session`: each gets its own. */
    sharing: z.enum(['shared', 'per-session']),
    /** How long a forwarded request may go unanswered (progress notifications reset it). */
    requestTimeoutMs: positiveMs,
    /** How long a request waits for a server that is starting or in backoff. */
    waitReadyMs: ms,
    /** A per-session server whose session has been quiet this long is stopped. */
    sessionIdleMs: positiveMs,
    /** At most this many per-session processes at once. */
    maxSessions: z.number().int().min(1),
  }),
});

/** What the config may set: any field of any section. */
export const policyOverrideSchema = z.strictObject({
  health: policySchema.shape.health.partial().optional(),
  restart: policySchema.shape.restart.partial().optional(),
  start: policySchema.shape.start.partial().optional(),
  stop: policySchema.shape.stop.partial().optional(),
  protocol: policySchema.shape.protocol.optional(),
  gateway: policySchema.shape.gateway.partial().optional(),
});

/** `orchestrator.servers.NAME`: a policy override, plus what the server must wait for before it starts. */
const serverSettings = policyOverrideSchema.extend({
  dependsOn: z.array(serverName).optional(),
});

export const serverEntrySchema = z
  .looseObject({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: keyedBy(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    disabled: z.boolean().optional(),
    type: z.string().optional(),
    url: z.string().optional(),
  })
  .refine((entry) => entry.command !== undefined || entry.url !== undefined, {
    message: 'expected "command" (a local server) or "url" (a remote one)',
  });

const serverMap = keyedBy(serverName, serverEntrySchema);

/** `orchestrator.webhooks[i]`: `url` and `secret` are `${VAR}`-expanded and the URL checked by the loader, after expansion. */
export const webhookSchema = z.strictObject({
  url: z.string().min(1, 'expected an http or https URL'),
  /** A transition is posted when the state it reaches is listed; `*` is every state. */
  events: z.array(z.enum([...SERVER_STATES, '*'])).min(1, 'expected at least one state, or "*"'),
  /** Only these servers' transitions; leaving it out means every server. */
  servers: z.array(serverName).min(1, 'expected at least one server (leave "servers" out for every server)').optional(),
  secret: z.string().optional(),
  format: z.enum(['json', 'slack']).optional(),
});

export const configFileSchema = z.looseObject({
  mcpServers: serverMap.optional(),
  servers: serverMap.optional(),
  orchestrator: z
    .strictObject({
      port: z.number().int().min(0).max(65_535).optional(),
      sampling: z.strictObject({ intervalMs: milliseconds().min(100) }).partial().optional(),
      defaults: policyOverrideSchema.optional(),
      servers: keyedBy(z.string(), serverSettings).optional(),
      groups: keyedBy(checkedName('group'), z.array(serverName)).optional(),
      /** Reload when the file changes. */
      watch: z.boolean().optional(),
      webhooks: z.array(webhookSchema).optional(),
    })
    .optional(),
});

export type ServerEntry = z.infer<typeof serverEntrySchema>;
export type Policy = z.infer<typeof policySchema>;
export type PolicyOverride = z.infer<typeof policyOverrideSchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;
export type WebhookEntry = z.infer<typeof webhookSchema>;
