/**
 * Makes a daemon's token. Kept out of `daemon-file.ts`, which every client loads to read the token,
 * so a short-lived `orch status` never loads `node:crypto`.
 */
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from './atomic-file.js';

/** A fresh secret per daemon, readable by its owner alone. */
export function createToken(path: string): string {
  const token = randomBytes(32).toString('base64url');
  writeFileAtomic(path, `${token}\n`, 0o600);
  return token;
}
