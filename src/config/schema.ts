/**
 * The shape of an MCP client config file (Claude Desktop, Claude Code, Cursor, VS Code) plus orch's
 * optional `orchestrator` key. Server entries stay loose, because clients add keys of their own;
 * the `orchestrator` key is strict, so a misspelt policy name is an error rather than ignored.
 */
import { z } from 'zod';

const ms = z.number().int().nonnegative();
const positiveMs = z.number().int().positive();

const policyOverride = z.strictObject({
  health: z
    .strictObject({
      intervalMs: positiveMs,
      timeoutMs: positiveMs,
      failureThreshold: z.number().int().min(1),
      cpuPercent: z.number().positive(),
      memoryBytes: z.number().int().positive(),
    })
    .partial()
    .optional(),
  restart: z
    .strictObject({
      maxRestarts: z.number().int().nonnegative(),
      windowMs: positiveMs,
      backoffMs: ms,
      maxBackoffMs: ms,
      jitter: z.number().min(0).max(1),
      resetAfterMs: positiveMs,
    })
    .partial()
    .optional(),
  start: z.strictObject({ timeoutMs: positiveMs }).partial().optional(),
  stop: z.strictObject({ graceMs: ms, killTimeoutMs: positiveMs }).partial().optional(),
  protocol: z.enum(['auto', '2026-07-28', 'legacy']).optional(),
});

export const serverEntrySchema = z
  .looseObject({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    disabled: z.boolean().optional(),
    type: z.string().optional(),
    url: z.string().optional(),
  })
  .refine((entry) => entry.command !== undefined || entry.url !== undefined, {
    message: 'expected "command" (a local server) or "url" (a remote one)',
  });

const serverMap = z.record(z.string(), serverEntrySchema);

export const configFileSchema = z.looseObject({
  mcpServers: serverMap.optional(),
  servers: serverMap.optional(),
  orchestrator: z
    .strictObject({
      port: z.number().int().min(0).max(65_535).optional(),
      sampling: z.strictObject({ intervalMs: z.number().int().min(100) }).partial().optional(),
      defaults: policyOverride.optional(),
      servers: z.record(z.string(), policyOverride).optional(),
    })
    .optional(),
});

export type ServerEntry = z.infer<typeof serverEntrySchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;
