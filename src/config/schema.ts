/**
 * The shape of an MCP client config file (Claude Desktop, Claude Code, Cursor, VS Code) plus orch's
 * optional `orchestrator` key. Server entries stay loose, because clients add keys of their own;
 * the `orchestrator` key is strict, so a misspelt policy name is an error rather than ignored.
 * Objects keyed by server, group or variable name come out as Maps: zod's records drop a `__proto__` key.
 */
import { SERVER_STATES } from '../machines/server.types.js';
import { PROTOCOL_MODES } from '../mcp/protocol.js';
import * as z from '../zod.js';
import { nameProblem } from './server-name.js';

/** Node timers hold at most 2³¹−1 ms and turn anything longer into 1 ms; no policy needs over a day. */
export const MAX_DURATION_MS = 86_400_000;

// Checked first and aborting, so 1e20 gets this one message rather than a safe-integer one as well.
const milliseconds = (...checks: z.core.$ZodCheck<number>[]) =>
  z.number().check(
    z.maximum(MAX_DURATION_MS, { error: (issue) => `expected at most ${MAX_DURATION_MS} (24 h), got ${String(issue.input)}`, abort: true }),
    z.int(),
    ...checks,
  );
const ms = milliseconds(z.nonnegative());
const positiveMs = milliseconds(z.positive());
/** A number that must be a (safe) integer and then pass `checks`; their order decides which message comes first. */
const integer = (...checks: z.core.$ZodCheck<number>[]) => z.number().check(z.int(), ...checks);

/** A JSON object as a Map of its own keys, each key and value validated (issues keep the key in their path). */
function keyedBy<K extends z.ZodMiniType<string, string>, V extends z.ZodMiniType>(key: K, value: V) {
  const entries = z.transform((input: unknown, payload) => {
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return new Map(Object.entries(input));
    payload.issues.push({ code: 'invalid_type', expected: 'object', input });
    return z.NEVER;
  });
  return z.pipe(entries, z.map(key, value));
}

/** A name checked by `nameProblem`; `what` says which kind in the message. */
const checkedName = (what: 'server' | 'group') =>
  z.string().check(
    z.superRefine((name, ctx) => {
      const problem = nameProblem(name, what);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );
const serverName = checkedName('server');

/** The complete policy: the one declaration of its shape (the `Policy` type is inferred from it). */
export const policySchema = z.strictObject({
  health: z.strictObject({
    intervalMs: positiveMs,
    timeoutMs: positiveMs,
    failureThreshold: integer(z.minimum(1)),
    cpuPercent: z.number().check(z.positive()),
    memoryBytes: integer(z.positive()),
  }),
  restart: z.strictObject({
    maxRestarts: integer(z.nonnegative()),
    windowMs: positiveMs,
    /**
     * Only failed starts and exits within this long of reaching `running` count toward `maxRestarts`:
     * a server that worked for a while between crashes is always restarted (PM2's min_uptime).
     */
    minUptimeMs: ms,
    backoffMs: ms,
    maxBackoffMs: ms,
    /** Fraction of each backoff delay added or removed at random, so crashed siblings do not restart in lockstep. */
    jitter: z.number().check(z.minimum(0), z.maximum(1)),
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
    maxSessions: integer(z.minimum(1)),
  }),
});

/** What the config may set: any field of any section. */
export const policyOverrideSchema = z.strictObject({
  health: z.optional(z.partial(policySchema.shape.health)),
  restart: z.optional(z.partial(policySchema.shape.restart)),
  start: z.optional(z.partial(policySchema.shape.start)),
  stop: z.optional(z.partial(policySchema.shape.stop)),
  protocol: z.optional(policySchema.shape.protocol),
  gateway: z.optional(z.partial(policySchema.shape.gateway)),
});

/** `orchestrator.servers.NAME`: a policy override, plus what the server must wait for before it starts. */
const serverSettings = z.extend(policyOverrideSchema, {
  dependsOn: z.optional(z.array(serverName)),
});

export const serverEntrySchema = z
  .looseObject({
    command: z.optional(z.string().check(z.minLength(1))),
    args: z.optional(z.array(z.string())),
    env: z.optional(keyedBy(z.string(), z.string())),
    cwd: z.optional(z.string().check(z.minLength(1))),
    disabled: z.optional(z.boolean()),
    type: z.optional(z.string()),
    url: z.optional(z.string()),
  })
  .check(
    z.refine((entry) => entry.command !== undefined || entry.url !== undefined, {
      message: 'expected "command" (a local server) or "url" (a remote one)',
    }),
  );

const serverMap = keyedBy(serverName, serverEntrySchema);

/** `orchestrator.webhooks[i]`: `url` and `secret` are `${VAR}`-expanded and the URL checked by the loader, after expansion. */
export const webhookSchema = z.strictObject({
  url: z.string().check(z.minLength(1, 'expected an http or https URL')),
  /** A transition is posted when the state it reaches is listed; `*` is every state. */
  events: z.array(z.enum([...SERVER_STATES, '*'])).check(z.minLength(1, 'expected at least one state, or "*"')),
  /** Only these servers' transitions; leaving it out means every server. */
  servers: z.optional(z.array(serverName).check(z.minLength(1, 'expected at least one server (leave "servers" out for every server)'))),
  secret: z.optional(z.string()),
  format: z.optional(z.enum(['json', 'slack'])),
});

export const configFileSchema = z.looseObject({
  mcpServers: z.optional(serverMap),
  servers: z.optional(serverMap),
  orchestrator: z.optional(
    z.strictObject({
      port: z.optional(integer(z.minimum(0), z.maximum(65_535))),
      sampling: z.optional(z.partial(z.strictObject({ intervalMs: milliseconds(z.minimum(100)) }))),
      defaults: z.optional(policyOverrideSchema),
      servers: z.optional(keyedBy(z.string(), serverSettings)),
      groups: z.optional(keyedBy(checkedName('group'), z.array(serverName))),
      /** Reload when the file changes. */
      watch: z.optional(z.boolean()),
      webhooks: z.optional(z.array(webhookSchema)),
    }),
  ),
});

export type ServerEntry = z.infer<typeof serverEntrySchema>;
export type Policy = z.infer<typeof policySchema>;
export type PolicyOverride = z.infer<typeof policyOverrideSchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;
export type WebhookEntry = z.infer<typeof webhookSchema>;
