/**
 * Session ids that a new daemon accepts: each carries what the session was opened with (the server,
 * the protocol version, the client's name and capability names) and an HMAC over it with a key kept
 * in `$ORCH_HOME`. A daemon that restarts revives a session it never saw instead of answering 404,
 * which most clients cannot recover from.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../daemon/atomic-file.js';

export interface SessionClaims {
  server: string;
  protocolVersion: string;
  clientName: string | null;
  /** The names of the capabilities the client declared (`sampling`, `elicitation`, `roots`…). */
  capabilities: string[];
}

const KEY_BYTES = 32;

export class SessionIds {
  constructor(private readonly key: Buffer) {}

  /** The key in `path`, or a new one written there (0600) when there is none yet. */
  static load(path: string): SessionIds {
    try {
      const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
      if (key.length === KEY_BYTES) return new SessionIds(key);
    } catch {
      // None yet: a new key below.
    }
    const key = randomBytes(KEY_BYTES);
    writeFileAtomic(path, `${key.toString('base64url')}\n`, 0o600);
    return new SessionIds(key);
  }

  static ephemeral(): SessionIds {
    return new SessionIds(randomBytes(KEY_BYTES));
  }

  issue(claims: SessionClaims): string {
    const body = Buffer.from(
      JSON.stringify([claims.server, claims.protocolVersion, claims.clientName, claims.capabilities, randomBytes(12).toString('base64url')]),
    ).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The claims of an id this key signed, else undefined. */
  verify(id: string): SessionClaims | undefined {
    const dot = id.indexOf('.');
    if (dot < 0) return undefined;
    const body = id.slice(0, dot);
    const given = Buffer.from(id.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const [server, protocolVersion, clientName, capabilities] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown[];
      if (typeof server !== 'string' || typeof protocolVersion !== 'string' || !Array.isArray(capabilities)) return undefined;
      return {
        server,
        protocolVersion,
        clientName: typeof clientName === 'string' ? clientName : null,
        capabilities: capabilities.filter((name): name is string => typeof name === 'string'),
      };
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
