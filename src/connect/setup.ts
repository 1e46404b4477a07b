/**
 * What a client set up with the daemon that lives in the daemon's memory, not in the session id:
 * its log level and resource subscriptions. A new daemon (or a session revived after the daemon closed
 * it) starts without them, so `orch connect` sends them again.
 */
import type { JsonRpcMessage } from './messages.js';

export class ClientSetup {
  private level: unknown;
  private readonly subscriptions = new Set<string>();

  /** Notes a message of the client's that changes its setup. */
  remember(message: JsonRpcMessage): void {
    const params = message.params as { uri?: unknown; level?: unknown } | undefined;
    if (message.method === 'logging/setLevel') this.level = params?.level;
    if (typeof params?.uri !== 'string') return;
    if (message.method === 'resources/subscribe') this.subscriptions.add(params.uri);
    if (message.method === 'resources/unsubscribe') this.subscriptions.delete(params.uri);
  }

  /** The requests that set it up again, as method and params. */
  requests(): [method: string, params: unknown][] {
    return [
      ...(this.level === undefined ? [] : [['logging/setLevel', { level: this.level }] as [string, unknown]]),
      ...[...this.subscriptions].map((uri): [string, unknown] => ['resources/subscribe', { uri }]),
    ];
  }
}
