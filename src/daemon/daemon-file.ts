/**
 * `daemon.json` and `token`: how clients (the CLI, scripts) find the running daemon and prove they may
 * talk to it. Both are the owner's alone (0600), like every file orch writes. The daemon makes the
 * token with `createToken` (token.ts).
 */
import { readFileSync } from 'node:fs';
import { readJson, removeFile, writeJsonAtomic } from './atomic-file.js';

export interface DaemonInfo {
  pid: number;
  host: string;
  port: number;
  startedAt: string;
  version: string;
  config: string;
}

export function writeDaemonInfo(path: string, info: DaemonInfo): void {
  writeJsonAtomic(path, info, 0o600);
}

export function readDaemonInfo(path: string): DaemonInfo | undefined {
  const info = readJson(path) as Partial<DaemonInfo> | undefined;
  if (!info || !Number.isInteger(info.pid) || !Number.isInteger(info.port) || typeof info.host !== 'string') return undefined;
  return info as DaemonInfo;
}

export function removeDaemonInfo(path: string): void {
  removeFile(path);
}

export function readToken(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
