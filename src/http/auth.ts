/**
 * Who may talk to the daemon. Three gates, in order: the Host header must name a loopback address
 * (a DNS-rebinding page cannot), a state-changing request must not come from a foreign Origin, and
 * every request must carry the bearer token or a session cookie from a one-time login link.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { errorResponse } from './errors.js';

export const SESSION_COOKIE = 'orch_session';
const LOGIN_CODE_TTL_MS = 5 * 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function allowedHosts(port: number, extraHost?: string): Set<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]', ...(extraHost ? [bracketed(extraHost)] : [])];
  return new Set(names.map((name) => `${name}:${port}`.toLowerCase()));
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function hostGuard(hosts: () => Set<string>): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host')?.toLowerCase();
    if (!host || !hosts().has(host)) {
      return errorResponse(c, 403, 'FORBIDDEN_HOST', `requests must address the daemon as 127.0.0.1, localhost or [::1], not ${host ?? '(no Host)'}`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !SAFE_METHODS.has(c.req.method) && !hosts().has(originHost(origin))) {
      return errorResponse(c, 403, 'FORBIDDEN_ORIGIN', `requests from ${origin} may not change anything here`);
    }
    await next();
  };
}

/** For endpoints where reading is as sensitive as writing: any request from a foreign Origin is refused. */
export function originGuard(hosts: () => Set<string>): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !hosts().has(originHost(origin))) {
      return errorResponse(c, 403, 'FORBIDDEN_ORIGIN', `requests from ${origin} may not use this endpoint`);
    }
    await next();
  };
}

function originHost(origin: string): string {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' ? url.host.toLowerCase() : '';
  } catch {
    return '';
  }
}

/** One-time login codes (for the link `orch dashboard` prints) and the sessions they open. */
export class Sessions {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  issueLoginCode(): { code: string; expiresAt: number } {
    for (const [code, expiresAt] of this.codes) if (expiresAt <= this.now()) this.codes.delete(code);
    const code = randomBytes(24).toString('base64url');
    const expiresAt = this.now() + LOGIN_CODE_TTL_MS;
    this.codes.set(code, expiresAt);
    return { code, expiresAt };
  }

  /** Spends a login code; returns the new session id, or undefined for an unknown, used or expired code. */
  redeem(code: string): string | undefined {
    const expiresAt = this.codes.get(code);
    this.codes.delete(code);
    if (expiresAt === undefined || expiresAt <= this.now()) return undefined;
    const session = randomBytes(32).toString('base64url');
    this.sessions.add(session);
    return session;
  }

  isSession(session: string | undefined): boolean {
    return session !== undefined && this.sessions.has(session);
  }
}

export function isAuthenticated(c: Context, token: string, sessions: Sessions): boolean {
  const header = c.req.header('authorization');
  if (header?.startsWith('Bearer ') && sameSecret(header.slice('Bearer '.length).trim(), token)) return true;
  return sessions.isSession(getCookie(c, SESSION_COOKIE));
}

export function requireAuth(token: string, sessions: Sessions): MiddlewareHandler {
  return async (c, next) => {
    if (!isAuthenticated(c, token, sessions)) {
      return errorResponse(c, 401, 'UNAUTHORIZED', 'send Authorization: Bearer <token from $ORCH_HOME/token>, or log in with the link `orch dashboard` prints');
    }
    await next();
  };
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
