/**
 * What orch itself costs, each figure beside its target and, where the target is relative, beside its
 * reference measured in the same run on the same busy machine:
 * - a daemon with 100 idle servers (default intervals: checks and sampling on) after `BENCH_MINUTES`:
 *   RSS, PSS, anonymous memory, and CPU over the window's last seconds;
 * - `orch status --json` against a bare `node -e` HTTP GET of `/api/servers`, both spawned alike;
 * - daemon CPU per stderr line: a fleet writing ~200 lines/s beside a quiet one, measured together;
 * - `orch start NAME` with no daemon against that server's own cold `initialize`.
 */
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { benchFleet, benchHome } from './fleet.js';
import { cpuSeconds, mb, memoryOf, sleep, versus } from './proc-usage.js';
import { heading, median, ms, row } from './stats.js';

const run = promisify(execFile);

const MINUTES = Number(process.env.BENCH_MINUTES ?? 2);
/** CPU is read over the window's end, at most half of it: the first seconds are 100 servers compiling. */
const CPU_SECONDS = Number(process.env.BENCH_CPU_SECONDS ?? Math.min(60, MINUTES * 30));
const SERVERS = Number(process.env.BENCH_SERVERS ?? 100);
const STATUS_RUNS = Number(process.env.BENCH_STATUS_RUNS ?? 20);
const LOG_SERVERS = Number(process.env.BENCH_LOG_SERVERS ?? 50);
const LINES_PER_S = Number(process.env.BENCH_LINES_PER_S ?? 200);
const LOG_WARMUP_S = Number(process.env.BENCH_LOG_WARMUP_S ?? 30);
const LOG_SECONDS = Number(process.env.BENCH_LOG_SECONDS ?? 30);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const MB = 1024 ** 2;

const load = () => `${availableParallelism()} cores, ${loadavg()[0]!.toFixed(1)}`;

const PARTS = { steady: steadyState, logs: logLines, start: coldStart };

/** `BENCH_COST_PARTS=steady,logs,start` (the default: all three) picks which parts run. */
export async function benchCost(): Promise<void> {
  const wanted = (process.env.BENCH_COST_PARTS ?? Object.keys(PARTS).join(',')).split(',');
  for (const name of wanted) {
    if (!(name in PARTS)) throw new Error(`unknown BENCH_COST_PARTS entry "${name}"; known: ${Object.keys(PARTS).join(', ')}`);
  }
  for (const [name, part] of Object.entries(PARTS)) if (wanted.includes(name)) await part();
}

/** The 100-server daemon left alone for the window, then its status asked for by the CLI and by a bare client. */
async function steadyState(): Promise<void> {
  const fleet = benchFleet(SERVERS);
  try {
    await fleet.orch('start', '--config', fleet.config);
    const pid = fleet.daemonPid();
    const began = performance.now();
    const windowMs = MINUTES * 60_000;
    await sleep(windowMs - CPU_SECONDS * 1_000);
    const cpuBefore = cpuSeconds(pid);
    const cpuFrom = performance.now();
    await sleep(began + windowMs - performance.now());
    const cpuPercent = ((cpuSeconds(pid) - cpuBefore) / ((performance.now() - cpuFrom) / 1_000)) * 100;
    const memory = memoryOf(pid);
    const loadAfterWindow = load();
    const { stdout } = await fleet.orch('status', '--json');
    const running = (JSON.parse(stdout) as { servers: { state: string }[] }).servers.filter((s) => s.state === 'running').length;

    // Interleaved, after one unmeasured pair: whatever else the machine does falls on both alike.
    const bareScript = bareGetScript();
    const cli: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i <= STATUS_RUNS; i += 1) {
      let t = performance.now();
      await fleet.orch('status', '--json');
      if (i > 0) cli.push(performance.now() - t);
      t = performance.now();
      const answer = await run(process.execPath, ['-e', bareScript], { env: fleet.env, maxBuffer: 16 * MB });
      if (i > 0) bare.push(performance.now() - t);
      if ((JSON.parse(answer.stdout) as { servers: unknown[] }).servers.length !== SERVERS) throw new Error('the bare GET did not list every server');
    }
    const ratio = median(cli) / median(bare);

    heading(`cost: the daemon (RSS, PSS, CPU) with ${SERVERS} idle servers, default intervals, after ${MINUTES} min`);
    row('servers running', `${running}/${SERVERS}`);
    row(`RSS after ${MINUTES} min (target ≤ 70 MB @ 10 min)`, versus(mb(memory.rss), memory.rss <= 70 * MB));
    row(`PSS after ${MINUTES} min (target ≤ 32 MB @ 10 min)`, versus(mb(memory.pss), memory.pss <= 32 * MB));
    row('  of the RSS, anonymous', mb(memory.anonymous));
    row(`CPU, last ${CPU_SECONDS} s (target ≤ 0.6 % of a core)`, versus(`${cpuPercent.toFixed(2)} %`, cpuPercent <= 0.6));
    row('cores, 1-min load average at window end', loadAfterWindow);
    heading(`cost: orch status --json, ${SERVERS} servers, ${STATUS_RUNS} runs each, interleaved`);
    row('bare node -e GET /api/servers (median)', ms(median(bare)));
    row('orch status --json (median)', ms(median(cli)));
    row('orch / bare (target ≤ 1.15×)', versus(`${ratio.toFixed(2)}×`, ratio <= 1.15));
    row('cores, 1-min load average at the end', load());
  } finally {
    await fleet.close();
  }
}

/**
 * The least a client of the API can do, as its own process: read the port and the token from
 * ORCH_HOME, one GET, print the body. CommonJS, as `node -e` runs it.
 */
function bareGetScript(): string {
  return `const { readFileSync } = require('node:fs');
const home = process.env.ORCH_HOME;
const info = JSON.parse(readFileSync(home + '/daemon.json', 'utf8'));
const token = readFileSync(home + '/token', 'utf8').trim();
require('node:http').get({ host: info.host, port: info.port, path: '/api/servers', headers: { authorization: 'Bearer ' + token } }, (res) => {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk) => (body += chunk));
  res.on('end', () => process.stdout.write(body + '\\n'));
});`;
}

/** Two daemons side by side, one whose servers write stderr lines: the difference in CPU, per line written. */
async function logLines(): Promise<void> {
  const every = Math.round((LOG_SERVERS * 1_000) / LINES_PER_S);
  const quiet = benchFleet(LOG_SERVERS);
  const noisy = benchFleet(LOG_SERVERS, [`--stderr-every=${every}`]);
  try {
    await Promise.all([quiet.orch('start', '--config', quiet.config), noisy.orch('start', '--config', noisy.config)]);
    await sleep(LOG_WARMUP_S * 1_000);
    const pids = { quiet: quiet.daemonPid(), noisy: noisy.daemonPid() };
    const from = Date.now();
    const before = { quiet: cpuSeconds(pids.quiet), noisy: cpuSeconds(pids.noisy) };
    const began = performance.now();
    await sleep(LOG_SECONDS * 1_000);
    const quietCpu = cpuSeconds(pids.quiet) - before.quiet;
    const noisyCpu = cpuSeconds(pids.noisy) - before.noisy;
    const seconds = (performance.now() - began) / 1_000;
    const to = Date.now();
    // The daemon stamps a line when it reads it; the file gets it a moment later.
    await sleep(2_000);
    const lines = linesStamped(noisy.home, from, to);
    const quietLines = linesStamped(quiet.home, from, to);
    const perLine = ((noisyCpu - quietCpu) / lines) * 1e6;

    heading(`cost: log lines, two daemons of ${LOG_SERVERS} servers, ${LOG_SECONDS} s after ${LOG_WARMUP_S} s warm-up`);
    row(`stderr lines read (each server every ${every} ms)`, `${lines.toLocaleString('en-US')} (${(lines / seconds).toFixed(0)}/s; quiet fleet ${quietLines})`);
    row('daemon CPU, quiet fleet', `${quietCpu.toFixed(2)} s (${((quietCpu / seconds) * 100).toFixed(2)} % of a core)`);
    row('daemon CPU, noisy fleet', `${noisyCpu.toFixed(2)} s (${((noisyCpu / seconds) * 100).toFixed(2)} % of a core)`);
    row('daemon CPU per line (target ≤ 20 µs)', versus(`${perLine.toFixed(1)} µs`, perLine <= 20));
    row('  CPU time resolution', `10 ms = ${((0.01 / lines) * 1e6).toFixed(1)} µs per line`);
    row('cores, 1-min load average at the end', load());
  } finally {
    await Promise.all([quiet.close(), noisy.close()]);
  }
}

/** The fixture's numbered stderr lines in every log file of this home, stamped within [from, to). */
function linesStamped(home: string, from: number, to: number): number {
  const dir = join(home, 'logs');
  let count = 0;
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (!line.includes('fixture: tick')) continue;
      const time = Date.parse(line.slice(0, 24));
      if (time >= from && time < to) count += 1;
    }
  }
  return count;
}

/** `orch start everything` with no daemon, from the command to its return (it returns once running), beside the server's own cold handshake. */
async function coldStart(): Promise<void> {
  const everything = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
  const direct: number[] = [];
  const viaOrch: number[] = [];
  // Interleaved, after one unmeasured pair (the first run of each reads its files from disk).
  for (let i = 0; i <= STARTS; i += 1) {
    const handshake = await coldInitialize(everything);
    const home = benchHome({ everything: { command: process.execPath, args: [everything, 'stdio'] } });
    try {
      const began = performance.now();
      await home.orch('start', 'everything', '--config', home.config);
      const took = performance.now() - began;
      const { stdout } = await home.orch('status', '--json');
      const state = (JSON.parse(stdout) as { servers: { state: string }[] }).servers[0]?.state;
      if (state !== 'running') throw new Error(`orch start returned with the server ${state}`);
      if (i > 0) {
        direct.push(handshake);
        viaOrch.push(took);
      }
    } finally {
      await home.close();
    }
  }
  const difference = median(viaOrch) - median(direct);
  heading(`cost: orch start with no daemon, server-everything, ${STARTS} runs each, interleaved`);
  row('server-everything cold initialize (median)', ms(median(direct)));
  row('orch start everything → running (median)', ms(median(viaOrch)));
  row('difference (target ≤ 250 ms)', versus(ms(difference), difference <= 250));
  row('  each run: cold initialize', direct.map((t) => t.toFixed(0)).join(', '));
  row('  each run: orch start', viaOrch.map((t) => t.toFixed(0)).join(', '));
  row('cores, 1-min load average at the end', load());
}

/** Spawn to the answer of `initialize`, over the server's own stdio, as orch spawns it. */
function coldInitialize(script: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, [script, 'stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let buffer = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`server-everything exited (${code}) before answering initialize`)));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (!line.startsWith('{') || (JSON.parse(line) as { id?: unknown }).id !== 1) continue;
        const took = performance.now() - began;
        child.removeAllListeners('exit');
        child.once('exit', () => resolve(took));
        child.kill('SIGKILL');
        return;
      }
    });
    const initialize = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'orch-bench', version: '1.0.0' } };
    child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: initialize })}\n`);
  });
}
