/** What a hook receives for one transition: orch's JSON body, or a Slack-compatible `{"text": …}`. */
import type { WebhookFormat } from '../config/webhooks.js';
import type { ServerStateName } from '../machines/server.types.js';
import type { Transition } from '../transitions.js';

export interface WebhookPayload {
  server: string;
  from: ServerStateName;
  to: ServerStateName;
  reason: string;
  /** ISO 8601, UTC. */
  time: string;
  /** The server's restart count when it moved; null once a reload has removed it. */
  restarts: number | null;
  /** The machine the daemon runs on, for receivers that hear from several. */
  host: string;
}

export function payloadOf(transition: Transition, restarts: number | null, host: string): WebhookPayload {
  const { server, from, to, reason, time } = transition;
  return { server, from, to, reason, time: new Date(time).toISOString(), restarts, host };
}

export function bodyOf(payload: WebhookPayload, format: WebhookFormat): string {
  return JSON.stringify(format === 'slack' ? { text: slackText(payload) } : payload);
}

/** One line, as the transition log reads: `orch@box: memory running → crashed (exited with code 1)`. */
export function slackText({ server, from, to, reason, host }: WebhookPayload): string {
  return escapeSlack(`orch@${host}: ${server} ${from} → ${to}${reason ? ` (${reason})` : ''}`);
}

/** Slack reads `<…>` as a link or mention and `&` as an entity: the three are escaped, as its docs ask. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
