/** `orch hooks [--json]`: each webhook's deliveries, from the running daemon; one line a hook. */
import { formatUptime } from '../../format.js';
import { resolveHome } from '../../home.js';
import type { HookStatus } from '../../webhooks/webhooks.js';
import { connectDaemon } from '../client.js';

export async function hooksCommand(flags: { json?: boolean }): Promise<void> {
  const { hooks } = await connectDaemon(resolveHome()).request<{ hooks: HookStatus[] }>('GET', '/api/hooks');
  process.stdout.write(flags.json ? `${JSON.stringify({ hooks })}\n` : formatHooks(hooks));
}

/** `https://… (slack)  crashed, unhealthy for memory  3 delivered, 1 failed, 0 dropped  last error 2m05s ago: answered 500` */
export function formatHooks(hooks: HookStatus[], now = Date.now()): string {
  if (hooks.length === 0) return '(no webhooks configured; see orchestrator.webhooks)\n';
  const lines = hooks.map((hook) => {
    const target = `${hook.url}${hook.format === 'slack' ? ' (slack)' : ''}`;
    const events = `${hook.events.join(', ')}${hook.servers ? ` for ${hook.servers.join(', ')}` : ''}`;
    const counts = `${hook.delivered} delivered, ${hook.failed} failed, ${hook.dropped} dropped${hook.queued > 0 ? `, ${hook.queued} queued` : ''}`;
    const error = hook.lastError ? `  last error ${formatUptime(Math.max(0, now - hook.lastError.at))} ago: ${hook.lastError.message}` : '';
    return `${target}  ${events}  ${counts}${error}`;
  });
  return `${lines.join('\n')}\n`;
}
