/**
 * The daemon's webhooks: each transition goes to the queue of every hook that wants it. `deliver`
 * runs inside the supervisor's inspection, so it only builds a small payload and enqueues it; the
 * requests happen later, each hook on its own (hook-queue.ts).
 */
import { hostname } from 'node:os';
import type { Webhook } from '../config/webhooks.js';
import type { Transition } from '../transitions.js';
import { HookQueue, type DeliveryOptions, type HookStatus } from './hook-queue.js';
import { payloadOf } from './payload.js';

export type { HookStatus } from './hook-queue.js';

export interface WebhooksOptions extends Partial<DeliveryOptions> {
  /** The server's restart count now; may throw for a server a reload has just removed. */
  restartsOf(server: string): number;
  host?: string;
}

export interface Webhooks {
  deliver(transition: Transition): void;
  /** In config order. */
  status(): HookStatus[];
  /** After a reload: a hook with the same URL and events keeps its queue and figures. */
  replace(hooks: Webhook[]): void;
  close(): void;
}

/** A receiver gets 5 s to answer; a delivery gets 5 attempts, 1, 2, 4 and 8 s apart. */
const DELIVERY_DEFAULTS: Omit<DeliveryOptions, 'warn'> = {
  maxQueue: 100,
  timeoutMs: 5_000,
  attempts: 5,
  backoffMs: 1_000,
  maxBackoffMs: 30_000,
};

export function createWebhooks(hooks: Webhook[], options: WebhooksOptions): Webhooks {
  const { restartsOf, host = hostname(), ...delivery } = options;
  const settings: DeliveryOptions = { ...DELIVERY_DEFAULTS, warn: () => {}, ...delivery };
  let queues = hooks.map((hook) => new HookQueue(hook, settings));
  let closed = false;

  const restarts = (server: string): number | null => {
    try {
      return restartsOf(server);
    } catch {
      return null;
    }
  };

  return {
    deliver(transition) {
      if (closed) return;
      const wanting = queues.filter((queue) => wants(queue.hook, transition));
      if (wanting.length === 0) return;
      const payload = payloadOf(transition, restarts(transition.server), host);
      for (const queue of wanting) queue.push(payload);
    },
    status: () => queues.map((queue) => queue.status()),
    replace(next) {
      if (closed) return;
      const previous = [...queues];
      queues = next.map((hook) => {
        const index = previous.findIndex((queue) => sameHook(queue.hook, hook));
        if (index === -1) return new HookQueue(hook, settings);
        const [kept] = previous.splice(index, 1);
        kept!.hook = hook;
        return kept!;
      });
      for (const queue of previous) queue.close();
    },
    close() {
      closed = true;
      for (const queue of queues) queue.close();
    },
  };
}

/**
 * A transition is wanted when the state it reaches is listed (or `*`), for the listed servers (or
 * all). A new reason within one state (`unhealthy (2/3)`) is not a transition a hook is told of.
 */
function wants(hook: Webhook, { server, from, to }: Transition): boolean {
  if (from === to) return false;
  return (hook.events.includes('*') || hook.events.includes(to)) && (hook.servers === undefined || hook.servers.includes(server));
}

function sameHook(a: Webhook, b: Webhook): boolean {
  return a.url === b.url && [...a.events].sort().join() === [...b.events].sort().join();
}
