/**
 * What a process costs, read from `/proc` the way `ps` and `smem` would: CPU time of the process itself
 * (its threads included, its children not), and its memory as RSS, the anonymous part of it, and PSS
 * (shared pages split between the processes sharing them: the node binary's pages count once per fleet).
 */
import { readFileSync } from 'node:fs';
import { statFields } from '../src/os/proc.js';

/** `getconf CLK_TCK` on Linux everywhere in practice. */
const CLOCK_TICKS = 100;
const MB = 1024 ** 2;

/** utime + stime of `/proc/PID/stat` (fields 14 and 15), in seconds: every thread, no waited-for children. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8')) ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export interface Memory {
  rss: number;
  anonymous: number;
  pss: number;
}

/** VmRSS and RssAnon of `/proc/PID/status`, Pss of `/proc/PID/smaps_rollup`, in bytes. */
export function memoryOf(pid: number): Memory {
  const kb = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) * 1024;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return { rss: kb(status, 'VmRSS'), anonymous: kb(status, 'RssAnon'), pss: kb(rollup, 'Pss') };
}

export const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/** A figure next to its target, and whether it met it. */
export const versus = (figure: string, met: boolean) => `${figure} (${met ? 'met' : 'missed'})`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
