/**
 * `orchestrator.webhooks` as the daemon uses them. `url` and `secret` are `${VAR}`-expanded like the
 * rest of the config: a Slack webhook URL carries its secret in its path, so it often lives in a
 * variable too. The URL is checked after expansion; server names with the config's other references
 * (relations.ts).
 */
import type { ServerStateName } from '../machines/server.types.js';
import { expandVariables, UnsetVariableError } from './expand.js';
import type { Problem } from './relations.js';
import type { WebhookEntry } from './schema.js';

export type WebhookFormat = 'json' | 'slack';

export interface Webhook {
  url: string;
  /** The URL as written, for status output: one kept in a `${VAR}` stays hidden, a password in it is masked. */
  shownUrl: string;
  /** The states whose arrival is posted, or `*` for every one. */
  events: (ServerStateName | '*')[];
  /** Only these servers' transitions; every server's when undefined. */
  servers: string[] | undefined;
  secret: string | undefined;
  format: WebhookFormat;
}

/** The hooks in config order, or the problems that keep them from being used. */
export function resolveWebhooks(entries: WebhookEntry[], env: NodeJS.ProcessEnv): { webhooks: Webhook[]; problems: Problem[] } {
  const webhooks: Webhook[] = [];
  const problems: Problem[] = [];
  entries.forEach((entry, index) => {
    const at = (key: string) => ['orchestrator', 'webhooks', index, key];
    const known = problems.length;
    const expand = (key: 'url' | 'secret', value: string): string | undefined => {
      try {
        return expandVariables(value, env);
      } catch (error) {
        if (!(error instanceof UnsetVariableError)) throw error;
        problems.push({ path: at(key), message: error.message });
        return undefined;
      }
    };
    const url = expand('url', entry.url);
    const secret = entry.secret === undefined ? undefined : expand('secret', entry.secret);
    // The URL is not echoed: it may have come from a variable because it is a secret.
    if (url !== undefined && !isHttpUrl(url)) problems.push({ path: at('url'), message: 'expected an http or https URL' });
    // An empty key would sign every body in a way anyone can reproduce.
    if (secret === '') problems.push({ path: at('secret'), message: 'is empty (leave "secret" out to send unsigned bodies)' });
    if (url === undefined || problems.length > known) return;
    webhooks.push({
      url,
      shownUrl: entry.url.replace(/^([a-z]+:\/\/[^/@:]*):[^/@]*@/i, '$1:***@'),
      events: entry.events,
      servers: entry.servers,
      secret,
      format: entry.format ?? 'json',
    });
  });
  return { webhooks, problems };
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
