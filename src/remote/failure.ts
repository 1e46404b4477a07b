/**
 * Why a remote could not be reached, in one line a user can act on: "connection refused", "no answer
 * within 5000 ms", "HTTP 401 Unauthorized". fetch wraps the socket's error in a `cause`, node:http
 * throws it bare; both read the same here.
 */

/** A failure that is a fact about the remote, not a bug: its message is shown as is. */
export class RemoteFailure extends Error {
  override readonly name: string = 'RemoteFailure';
}

/** It ran out of time: counted as a `timeout`, not an error of the remote's. */
export class RemoteTimeout extends RemoteFailure {
  override readonly name = 'RemoteTimeout';
}

const BY_CODE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS did not answer)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the remote',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/** `timeoutMs` names the bound when the failure is that it ran out. */
export function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof RemoteFailure) return error.message;
  const { name, cause } = error as { name?: string; cause?: unknown };
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const inner = (cause ?? error) as { code?: string; message?: string; name?: string };
  if (inner.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const code = inner.code;
  if (code && BY_CODE[code]) return BY_CODE[code];
  if (code?.includes('CERT') || code?.startsWith('ERR_TLS') || code?.startsWith('ERR_SSL')) return `TLS: ${inner.message ?? code}`;
  if (inner.message) return code ? `${inner.message} (${code})` : inner.message;
  return String(error);
}

/** "HTTP 503 Service Unavailable", with a hint for the statuses that mean the credentials. */
export function httpFailure(status: number, statusText: string): string {
  const text = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  return status === 401 || status === 403 ? `${text}: set the remote's credentials in the entry's "headers"` : text;
}
