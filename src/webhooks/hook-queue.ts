/**
 * One webhook's deliveries: a bounded queue sent one at a time, so a slow or dead receiver costs
 * at most `maxQueue` bodies of memory and never the supervisor's time. A delivery is retried with
 * exponential backoff after a network error, a timeout, a 5xx or a 429, never after another 4xx,
 * which a retry would not change. A full queue drops its oldest waiting delivery and counts it:
 * the newest states are what a receiver most needs.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Webhook, WebhookFormat } from '../config/webhooks.js';
import { errorMessage } from '../errors.js';
import { VERSION } from '../version.js';
import { bodyOf, type WebhookPayload } from './payload.js';
import { SIGNATURE_HEADER, signBody } from './signature.js';

export interface DeliveryOptions {
  /** Deliveries waiting per hook, besides the one being sent. */
  maxQueue: number;
  /** Per request, until the answer's status line. */
  timeoutMs: number;
  /** Tries per delivery, the first included. */
  attempts: number;
  /** The wait before the first retry, doubled for each next one up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Deliveries given up and the start of drops, for the daemon's log. */
  warn(message: string): void;
}

/** A hook as `orch hooks`, the API and the dashboard show it: never its secret. */
export interface HookStatus {
  url: string;
  events: Webhook['events'];
  servers: string[] | null;
  format: WebhookFormat;
  delivered: number;
  /** Given up: answered with a 4xx, or every attempt failed. */
  failed: number;
  /** Pushed out of a full queue before being sent. */
  dropped: number;
  /** Waiting, and the one being sent. */
  queued: number;
  /** The latest failed attempt, retried or not. */
  lastError: { message: string; at: number } | null;
  lastDeliveredAt: number | null;
}

interface Delivery {
  /** The same on every attempt (`X-Orch-Delivery`), so a receiver can tell a retry from a new event. */
  id: string;
  body: string;
  what: string;
}

type Outcome = { ok: true } | { ok: false; error: string; retry: boolean };

export class HookQueue {
  private readonly waiting: Delivery[] = [];
  private current: Delivery | undefined;
  private draining = false;
  private dropping = false;
  private readonly closed = new AbortController();
  private readonly counts = { delivered: 0, failed: 0, dropped: 0 };
  private lastError: { message: string; at: number } | null = null;
  private lastDeliveredAt: number | null = null;

  constructor(
    /** Replaced on a reload that keeps this hook (a new secret, format or server list). */
    public hook: Webhook,
    private readonly options: DeliveryOptions,
  ) {}

  push(payload: WebhookPayload): void {
    if (this.closed.signal.aborted) return;
    if (this.waiting.length >= this.options.maxQueue) {
      this.waiting.shift();
      this.counts.dropped++;
      if (!this.dropping) {
        this.options.warn(`webhook ${this.hook.shownUrl}: ${this.options.maxQueue} deliveries waiting; dropping the oldest until it catches up`);
      }
      this.dropping = true;
    }
    this.waiting.push({ id: randomUUID(), body: bodyOf(payload, this.hook.format), what: `${payload.server} → ${payload.to}` });
    if (this.draining) return;
    this.draining = true;
    // On a later turn: `push` runs inside a transition, and fetch's first call loads undici.
    setImmediate(() => void this.drain().catch((error: unknown) => (this.lastError = { message: errorMessage(error), at: Date.now() })));
  }

  status(): HookStatus {
    const { shownUrl, events, servers, format } = this.hook;
    return {
      url: shownUrl,
      events: [...events],
      servers: servers ?? null,
      format,
      ...this.counts,
      queued: this.waiting.length + (this.current ? 1 : 0),
      lastError: this.lastError,
      lastDeliveredAt: this.lastDeliveredAt,
    };
  }

  /** Aborts the request in flight and the backoff wait; what waits is dropped. */
  close(): void {
    this.closed.abort();
    this.waiting.length = 0;
  }

  private async drain(): Promise<void> {
    try {
      for (let next = this.waiting.shift(); next && !this.closed.signal.aborted; next = this.waiting.shift()) {
        this.current = next;
        await this.send(next);
      }
    } finally {
      this.current = undefined;
      this.draining = false;
      this.dropping = false;
    }
  }

  private async send(delivery: Delivery): Promise<void> {
    const { attempts, backoffMs, maxBackoffMs } = this.options;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(delivery);
      if (this.closed.signal.aborted) return;
      if (outcome.ok) {
        this.counts.delivered++;
        this.lastDeliveredAt = Date.now();
        return;
      }
      this.lastError = { message: outcome.error, at: Date.now() };
      if (!outcome.retry || attempt >= attempts) {
        this.counts.failed++;
        this.options.warn(`webhook ${this.hook.shownUrl}: gave up on ${delivery.what} after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${outcome.error}`);
        return;
      }
      try {
        await sleep(Math.min(backoffMs * 2 ** (attempt - 1), maxBackoffMs), undefined, { signal: this.closed.signal });
      } catch {
        return; // closed while waiting
      }
    }
  }

  private async attempt({ id, body }: Delivery): Promise<Outcome> {
    const { url, secret } = this.hook;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': `orch/${VERSION}`, 'x-orch-delivery': id };
    if (secret !== undefined) headers[SIGNATURE_HEADER] = signBody(secret, body);
    // One controller an attempt, let go of afterwards: AbortSignal.any on the long-lived `closed`
    // signal keeps every attempt's signal alive on Node 20, and a failing receiver means many attempts.
    const attempt = new AbortController();
    const onClose = () => attempt.abort();
    this.closed.signal.addEventListener('abort', onClose, { once: true });
    const timer = setTimeout(() => attempt.abort(new DOMException('no answer in time', 'TimeoutError')), this.options.timeoutMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        // A redirected POST arrives elsewhere as a GET: a 3xx is reported instead, as GitHub does.
        redirect: 'manual',
        signal: attempt.signal,
      });
      // The answer's body is not used; cancelling it frees the connection.
      await response.body?.cancel();
      if (response.ok) return { ok: true };
      return { ok: false, error: `answered ${response.status}`, retry: response.status >= 500 || response.status === 429 };
    } catch (error) {
      return failureOf(error, this.options.timeoutMs);
    } finally {
      clearTimeout(timer);
      this.closed.signal.removeEventListener('abort', onClose);
    }
  }
}

/** `connect ECONNREFUSED 127.0.0.1:9` rather than fetch's bare "fetch failed"; retried, except what cannot change. */
function failureOf(error: unknown, timeoutMs: number): Outcome {
  if (error instanceof Error && error.name === 'TimeoutError') return { ok: false, error: `no answer within ${timeoutMs} ms`, retry: true };
  const message = errorMessage((error instanceof Error && error.cause) || error);
  // Fetch never connects to a few ports (6000, 6665–6669, …): say so once instead of retrying.
  if (message === 'bad port') return { ok: false, error: 'fetch refuses this port (a "bad port" of the Fetch standard); use another', retry: false };
  return { ok: false, error: message, retry: true };
}
