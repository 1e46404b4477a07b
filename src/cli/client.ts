/**
 * The CLI's side of the HTTP API: finds the daemon of this ORCH_HOME and talks to it with its token.
 * Plain `node:http`, not `fetch`: loading undici costs a short-lived CLI ~20 ms on every run.
 */
import { request as httpRequest } from 'node:http';
import { OrchError } from '../errors.js';
import { readDaemonInfo, readToken, type DaemonInfo } from '../daemon/daemon-file.js';
import type { OrchHome } from '../home.js';

export class DaemonClient {
  readonly baseUrl: string;

  constructor(
    readonly info: DaemonInfo,
    readonly token: string,
  ) {
    const host = info.host === '0.0.0.0' || info.host === '::' ? '127.0.0.1' : info.host;
    this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...extra };
  }

  /** JSON in and out; an error answer becomes an OrchError carrying the daemon's own message. */
  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${this.baseUrl}${path}`, {
        method,
        headers: this.headers(payload === undefined ? {} : { 'content-type': 'application/json' }),
      });
      req.on('error', () =>
        reject(new OrchError('NO_DAEMON', `the orch daemon (pid ${this.info.pid}) does not answer at ${this.baseUrl}; start one with \`orch start\``)),
      );
      req.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      req.end(payload);
    });
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new OrchError('DAEMON_FAILED', `the daemon answered ${status} with something that is not JSON`);
    }
    if (status < 200 || status >= 300) {
      const error = (data as { error?: { code?: string; message?: string } }).error;
      const code = error?.code === 'UNKNOWN_SERVER' ? 'UNKNOWN_SERVER' : 'DAEMON_FAILED';
      throw new OrchError(code, error?.message ?? `the daemon answered ${status}`);
    }
    return data as T;
  }

  /**
   * Calls `onChange` whenever the daemon streams anything on this event route, until the returned
   * function is called: cheaper than polling for what only changes now and then.
   */
  watch(path: string, onChange: () => void): () => void {
    const req = httpRequest(`${this.baseUrl}${path}`, { headers: this.headers({ accept: 'text/event-stream' }) });
    req.on('response', (response) => response.on('data', onChange).on('error', () => {}));
    // Without the stream a caller only waits longer: it looks again on its own now and then.
    req.on('error', () => {});
    req.end();
    return () => req.destroy();
  }

  /** Hands each `event` item of a Server-Sent Events route to `onData` until Ctrl-C, or until the daemon goes away. */
  async follow(path: string, event: string, onData: (data: string) => void): Promise<'interrupted' | 'gone'> {
    const { EventSource } = await import('eventsource');
    return new Promise((resolve) => {
      const source = new EventSource(`${this.baseUrl}${path}`, {
        fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...this.headers() } }),
      });
      source.addEventListener(event, (message) => onData(message.data));
      source.onerror = () => {
        source.close();
        resolve('gone');
      };
      process.once('SIGINT', () => {
        source.close();
        resolve('interrupted');
      });
    });
  }
}

/** The daemon of this ORCH_HOME if one is running and answers; never starts one. */
export async function findDaemon(home: OrchHome): Promise<DaemonClient | undefined> {
  const info = readDaemonInfo(home.daemonFile);
  const token = readToken(home.tokenFile);
  if (!info || !token) return undefined;
  const client = new DaemonClient(info, token);
  try {
    await client.request('GET', '/api/health');
    return client;
  } catch {
    return undefined;
  }
}

/** The daemon recorded for this ORCH_HOME, without a round trip: the first request tells whether it answers. */
export function connectDaemon(home: OrchHome): DaemonClient {
  const info = readDaemonInfo(home.daemonFile);
  const token = readToken(home.tokenFile);
  if (!info || !token) {
    throw new OrchError('NO_DAEMON', `no orch daemon is running for ${home.root}; start one with \`orch start\``);
  }
  return new DaemonClient(info, token);
}
