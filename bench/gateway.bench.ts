/**
 * Real `server-everything`'s `echo` tool called straight over its stdio and through a daemon's
 * `/mcp/everything`: one caller's latency, then calls per second with eight callers at once. Both
 * clients are minimal (raw JSON lines on the pipe; `node:http` with keep-alive and a one-line SSE
 * reader, not the SDK's client), so what separates the two figures is orch's own cost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { connectDaemon } from '../src/cli/client.js';
import { resolveHome } from '../src/home.js';
import { statFields } from '../src/os/proc.js';
import { benchHome } from './fleet.js';
import { heading, percentile, row } from './stats.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5_000);
const PROTOCOL = '2025-11-25';
const CLIENT_INFO = { name: 'orch-bench', version: '1.0.0' };

/** Sends `message` to the echo tool and resolves with the text it answered. */
type Echo = (message: string) => Promise<string>;

interface Tally {
  mismatches: number;
  examples: string[];
}

export async function benchGateway(): Promise<void> {
  const everything = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
  const { env, config, orch, close, daemonPid } = benchHome({ everything: { command: process.execPath, args: [everything, 'stdio'] } });
  let direct: DirectServer | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY + 1 });
  try {
    await orch('start', '--config', config);
    const daemon = connectDaemon(resolveHome(env));
    const endpoint = new URL(`${daemon.baseUrl}/mcp/everything`);
    const { stdout } = await orch('status', '--json');
    const served = (JSON.parse(stdout) as { servers: { name: string; pid: number | null }[] }).servers.find((s) => s.name === 'everything')!;
    direct = await DirectServer.spawn(everything);
    const tally: Tally = { mismatches: 0, examples: [] };
    // CPU time of each process taking part, per call: what contention on a small machine cannot blur.
    const directCpu = cpuMeter({ client: undefined, server: direct.pid });
    const orchCpu = cpuMeter({ client: undefined, daemon: daemonPid(), server: served.pid! });

    directCpu.start();
    const directLatency = await latency((message) => direct!.echo(message), 'direct', tally);
    const directLatencyCpu = directCpu.perCall(WARMUP + CALLS);
    const session = await GatewaySession.open(endpoint, daemon.token, agent);
    orchCpu.start();
    const orchLatency = await latency((message) => session.echo(message), 'orch', tally);
    const orchLatencyCpu = orchCpu.perCall(WARMUP + CALLS);

    const directRate = await throughput(
      Array.from({ length: CONCURRENCY }, () => (message: string) => direct!.echo(message)),
      'direct',
      tally,
      directCpu,
    );
    const sessions = await Promise.all(Array.from({ length: CONCURRENCY }, () => GatewaySession.open(endpoint, daemon.token, agent)));
    const orchRate = await throughput(
      sessions.map((s) => (message: string) => s.echo(message)),
      'orch',
      tally,
      orchCpu,
    );

    const overhead = percentile(orchLatency, 50) - percentile(directLatency, 50);
    const ratio = orchRate.perSecond / directRate.perSecond;
    heading(`gateway: server-everything tools/call echo, ${CALLS} calls after ${WARMUP} warm-up`);
    row('direct stdio latency p50', fine(percentile(directLatency, 50)));
    row('direct stdio latency p99', fine(percentile(directLatency, 99)));
    row('through orch latency p50', fine(percentile(orchLatency, 50)));
    row('through orch latency p99', fine(percentile(orchLatency, 99)));
    row('p50 overhead (target < 0.5 ms)', `${fine(overhead)} (${overhead < 0.5 ? 'met' : 'missed'})`);
    row('CPU per call direct', directLatencyCpu);
    row('CPU per call through orch', orchLatencyCpu);
    heading(`gateway: ${CONCURRENCY} callers for ${DURATION_MS / 1000} s`);
    row(`direct stdio, ${CONCURRENCY} in flight on one pipe`, `${Math.round(directRate.perSecond).toLocaleString('en-US')} calls/s`);
    row(`through orch, ${CONCURRENCY} sessions`, `${Math.round(orchRate.perSecond).toLocaleString('en-US')} calls/s`);
    row('orch / direct (target ≥ 80 %)', `${(ratio * 100).toFixed(1)} % (${ratio >= 0.8 ? 'met' : 'missed'})`);
    row('CPU per call direct', directRate.cpu);
    row('CPU per call through orch', orchRate.cpu);
    row('cores, 1-min load average at the end', `${availableParallelism()}, ${loadavg()[0]!.toFixed(1)}`);
    row('replies not echoing what was sent', String(tally.mismatches));
    for (const example of tally.examples) row('  e.g.', example);
  } finally {
    agent.destroy();
    direct?.close();
    await close();
  }
}

/** Sub-millisecond figures need more than the one decimal `ms()` prints. */
function fine(value: number): string {
  return `${value.toFixed(3)} ms`;
}

async function latency(echo: Echo, tag: string, tally: Tally): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + CALLS; i += 1) {
    const began = performance.now();
    await check(echo, `${tag}-${i}`, tally);
    if (i >= WARMUP) times.push(performance.now() - began);
  }
  return times;
}

/** Calls per second with every caller looping on its own until the deadline, after a short warm-up each. */
async function throughput(callers: Echo[], tag: string, tally: Tally, cpu: CpuMeter): Promise<{ perSecond: number; cpu: string }> {
  await Promise.all(
    callers.map(async (echo, c) => {
      for (let i = 0; i < 20; i += 1) await check(echo, `${tag}-warm-${c}-${i}`, tally);
    }),
  );
  let calls = 0;
  cpu.start();
  const began = performance.now();
  const deadline = began + DURATION_MS;
  await Promise.all(
    callers.map(async (echo, c) => {
      for (let i = 0; performance.now() < deadline; i += 1) {
        await check(echo, `${tag}-${c}-${i}`, tally);
        calls += 1;
      }
    }),
  );
  const perSecond = calls / ((performance.now() - began) / 1000);
  return { perSecond, cpu: cpu.perCall(calls) };
}

type CpuMeter = ReturnType<typeof cpuMeter>;

/** CPU time (user + system) of named processes between `start()` and `perCall()`; an undefined pid is this one. */
function cpuMeter(pids: Record<string, number | undefined>) {
  let before: number[] = [];
  const read = () => Object.values(pids).map((pid) => (pid === undefined ? ownCpuMs() : ticksMs(pid)));
  return {
    start: () => void (before = read()),
    perCall(calls: number): string {
      const after = read();
      return Object.keys(pids)
        .map((name, i) => `${name} ${fine((after[i]! - before[i]!) / calls)}`)
        .join(', ');
    },
  };
}

function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** utime + stime of `/proc/PID/stat`, in clock ticks of 10 ms. */
function ticksMs(pid: number): number {
  const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))!;
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function check(echo: Echo, message: string, tally: Tally): Promise<void> {
  let answer: string;
  try {
    answer = await echo(message);
  } catch (error) {
    answer = `error: ${(error as Error).message}`;
  }
  if (answer === `Echo: ${message}`) return;
  tally.mismatches += 1;
  if (tally.examples.length < 3) tally.examples.push(`sent ${JSON.stringify(message)}, got ${JSON.stringify(answer).slice(0, 120)}`);
}

interface RpcReply {
  id?: unknown;
  result?: { content?: { text?: string }[] };
  error?: { message?: string };
}

const echoText = (reply: RpcReply): string => {
  if (reply.error) throw new Error(reply.error.message ?? 'JSON-RPC error');
  return String(reply.result?.content?.[0]?.text);
};

/** The server on a pipe of our own: newline-delimited JSON-RPC, answers matched to callers by id. */
class DirectServer {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, (reply: RpcReply) => void>();

  get pid(): number {
    return this.child.pid!;
  }

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 1);
        if (!line.trim()) continue;
        const reply = JSON.parse(line) as RpcReply;
        // Notifications (no id) are not for the bench.
        if (typeof reply.id === 'number') {
          this.pending.get(reply.id)?.(reply);
          this.pending.delete(reply.id);
        }
      }
    });
  }

  static async spawn(script: string): Promise<DirectServer> {
    const server = new DirectServer(spawn(process.execPath, [script, 'stdio'], { stdio: ['pipe', 'pipe', 'ignore'] }));
    await server.call('initialize', { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: CLIENT_INFO });
    server.child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    return server;
  }

  call(method: string, params: object): Promise<RpcReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  async echo(message: string): Promise<string> {
    return echoText(await this.call('tools/call', { name: 'echo', arguments: { message } }));
  }

  close(): void {
    this.child.kill('SIGKILL');
  }
}

/** One 2025-era session on the gateway, over a shared keep-alive agent. */
class GatewaySession {
  private nextId = 1;

  private constructor(
    private readonly url: URL,
    private readonly token: string,
    private readonly agent: Agent,
    private sessionId: string | undefined,
  ) {}

  static async open(url: URL, token: string, agent: Agent): Promise<GatewaySession> {
    const session = new GatewaySession(url, token, agent, undefined);
    const init = await session.post({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: CLIENT_INFO },
    });
    const id = init.sessionId;
    if (init.status !== 200 || !id) throw new Error(`initialize answered ${init.status}: ${init.text.slice(0, 200)}`);
    session.sessionId = id;
    const initialized = await session.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    if (initialized.status !== 202) throw new Error(`notifications/initialized answered ${initialized.status}`);
    return session;
  }

  async echo(message: string): Promise<string> {
    const { status, text } = await this.post({ jsonrpc: '2.0', id: this.nextId++, method: 'tools/call', params: { name: 'echo', arguments: { message } } });
    if (status !== 200) throw new Error(`HTTP ${status}: ${text.slice(0, 120)}`);
    return echoText(dataOf(text));
  }

  private post(body: object): Promise<{ status: number; sessionId: string | undefined; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json, text/event-stream',
          'content-type': 'application/json',
          'mcp-protocol-version': PROTOCOL,
          ...(this.sessionId !== undefined && { 'mcp-session-id': this.sessionId }),
        },
      });
      req.on('error', reject);
      req.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', reject);
        response.on('end', () => {
          const sessionId = response.headers['mcp-session-id'];
          resolve({ status: response.statusCode ?? 0, sessionId: typeof sessionId === 'string' ? sessionId : undefined, text });
        });
      });
      req.end(JSON.stringify(body));
    });
  }
}

/** The first JSON `data:` line of an SSE body (the one reply a request's stream carries), or a plain JSON body. */
function dataOf(text: string): RpcReply {
  for (let at = text.indexOf('data: '); at >= 0; at = text.indexOf('data: ', at + 6)) {
    const end = text.indexOf('\n', at);
    const data = text.slice(at + 6, end < 0 ? undefined : end);
    if (data.startsWith('{')) return JSON.parse(data) as RpcReply;
  }
  return JSON.parse(text) as RpcReply;
}
