/**
 * The process actor: owns one spawned server, its stdio and its MCP link, for as long as the server
 * machine is `active`. It reports what happens (`process.*`, `mcp.*`, `probe.*`) and obeys commands;
 * its cleanup kills whatever is left of the process group and every process that left it. Every
 * callback is guarded: in XState an error thrown here would stop the whole actor system, and with it
 * every other server. Once the child is spawned its cleanup is what the actor returns, whatever fails
 * after, so no process is ever left without a supervisor.
 */
import { performance } from 'node:perf_hooks';
import { fromCallback } from 'xstate';
import { errorMessage } from '../errors.js';
import type { ServerLogs } from '../logs/server-logs.js';
import { describeExit } from '../machines/describe.js';
import type { ProcessCommand, ProcessReportEvent, ProtocolInfo, ServerInput } from '../machines/server.types.js';
import { findMarked, serverMark } from '../os/marked.js';
import { processGroup } from '../os/proc.js';
import { describeSpawnError, groupAlive, signalGroup, spawnServer } from '../os/process-group.js';
import { LineSplitter } from '../mcp/line-splitter.js';
import { livenessRequest, negotiate, type ClientInfo } from '../mcp/handshake.js';
import { McpLink } from '../mcp/link.js';
import { listTools } from '../mcp/tools.js';
import type { LinkEvents } from '../gateway/gateway.js';

export interface ProcessActorDeps {
  logs: ServerLogs;
  clientInfo: ClientInfo;
  /** Told of every process group orch owns, so a daemon that dies can have its groups reaped later. */
  groups?: GroupRecorder;
  /** Names this supervisor in the environment marker every server process inherits. */
  owner?: string;
  /** The gateway, told when the link can take clients' requests and when it is gone. */
  links?: LinkEvents;
}

export interface GroupRecorder {
  spawned(server: string, pgid: number): void;
  released(server: string, pgid: number): void;
}

const MAX_STDERR_LINE_BYTES = 64 * 1024;
const MAX_LOGGED_NOISE_CHARS = 2_000;
/** Noise counts reach the machine at most this often, so a flood of stdout junk is not a flood of events. */
const NOISE_REPORT_MS = 1_000;

export function createProcessActor(deps: ProcessActorDeps) {
  return fromCallback<ProcessCommand, ServerInput, ProcessReportEvent>(({ input, sendBack, receive }) => {
    const { spec, policy } = input;
    const log = (stream: 'stderr' | 'stdout' | 'orch', text: string) => deps.logs.append(spec.name, stream, text);
    const report = (event: ProcessReportEvent) => sendBack(event);
    const guard =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        try {
          fn(...args);
        } catch (error) {
          log('orch', `internal error: ${errorMessage(error)}`);
          report({ type: 'process.failed', error: `internal error: ${errorMessage(error)}` });
        }
      };
    // Said in the server's log too, so a server that never ran still has a log that tells why.
    const spawnFailed = (error: unknown) => {
      const failure = describeSpawnError(error, spec);
      log('orch', failure.error);
      report({ type: 'process.failed', ...failure });
    };

    const spawnedAt = performance.now();
    const mark = deps.owner === undefined ? undefined : serverMark(deps.owner, spec.name);
    let child: ReturnType<typeof spawnServer>;
    try {
      child = spawnServer(spec, mark);
    } catch (error) {
      spawnFailed(error);
      return () => {};
    }
    const pid = child.pid;
    let exited = false;
    let protocol: ProtocolInfo | undefined;
    let noiseTimer: NodeJS.Timeout | undefined;
    let link: McpLink | undefined;
    /** The liveness check waiting for its answer, if any. */
    let probeId: string | undefined;

    /** Processes of this server outside its group (setsid, double fork): a group signal misses them. */
    const escapees = () =>
      mark === undefined || pid === undefined ? [] : findMarked((m) => m === mark).filter((p) => processGroup(p) !== pid);
    const signalAll = (signal: NodeJS.Signals) => {
      if (pid === undefined) return;
      signalGroup(pid, signal);
      for (const escapee of escapees()) signalProcess(escapee, signal);
    };
    const cleanup = guard(() => {
      clearTimeout(noiseTimer);
      link?.close(new Error('the server is no longer supervised'));
      if (link) deps.links?.detach(spec.name, link);
      child.stdout.destroy();
      child.stderr.destroy();
      child.stdin.destroy();
      if (pid === undefined) return;
      // Whatever is left of the group once the server is done with (stragglers, a hung child) is killed.
      if (groupAlive(pid)) {
        log('orch', `killing what is left of process group ${pid}`);
        signalGroup(pid, 'SIGKILL');
      }
      const left = escapees();
      if (left.length > 0) {
        log('orch', `killing ${left.length === 1 ? 'a process' : `${left.length} processes`} that left process group ${pid}: ${left.join(', ')}`);
        for (const escapee of left) signalProcess(escapee, 'SIGKILL');
      }
      deps.groups?.released(spec.name, pid);
    });

    try {
      if (pid !== undefined) {
        log('orch', `spawned ${[spec.command, ...spec.args].join(' ')} (pid ${pid})`);
        deps.groups?.spawned(spec.name, pid);
      }
      const mcp = new McpLink({
        write: (line) => {
          if (child.stdin.writable) child.stdin.write(line);
        },
        onNoise: (line) => {
          log('stdout', line.length > MAX_LOGGED_NOISE_CHARS ? `${line.slice(0, MAX_LOGGED_NOISE_CHARS)}…` : line);
          noiseTimer ??= setTimeout(
            guard(() => {
              noiseTimer = undefined;
              report({ type: 'process.noise', total: mcp.noiseLines });
            }),
            NOISE_REPORT_MS,
          );
        },
        onServerMessage: guard((message) => deps.links?.serverMessage(spec.name, mcp, message)),
      });
      link = mcp;
      const stderr = new LineSplitter({
        maxLineBytes: MAX_STDERR_LINE_BYTES,
        onLine: (line) => log('stderr', line),
        onOversize: (bytes) =>
          log('orch', `(a stderr line of ${bytes} bytes, over the ${MAX_STDERR_LINE_BYTES}-byte limit, dropped)`),
      });

      // Always drain both pipes: a child blocked on a full pipe looks hung.
      child.stdout.on('data', guard((chunk: Buffer) => mcp.feed(chunk)));
      const drainStderr = deps.logs.pipes.read(child.stderr, guard((chunk: Buffer) => stderr.push(chunk)));
      child.stderr.on('end', guard(() => stderr.end()));
      for (const stream of [child.stdin, child.stdout, child.stderr]) {
        // EPIPE and friends after the child is gone: the 'exit' event is what reports it.
        stream.on('error', () => {});
      }
      child.on(
        'error',
        guard((error: Error) => {
          if (pid === undefined) spawnFailed(error);
          else log('orch', `process error: ${error.message}`);
        }),
      );
      // 'exit', not 'close': a grandchild holding stdout open would delay 'close' indefinitely.
      child.on(
        'exit',
        guard((code: number | null, signal: NodeJS.Signals | null) => {
          exited = true;
          // Its last words (a crash's stack trace) go in the log before its exit does.
          drainStderr();
          mcp.close(new Error(`the server ${describeExit(code, signal)}`));
          deps.links?.detach(spec.name, mcp);
          log('orch', `process ${pid} ${describeExit(code, signal)}`);
          report({ type: 'process.exited', code, signal });
        }),
      );

      if (pid !== undefined) {
        report({ type: 'process.spawned', pid, pgid: pid, startedAt: Date.now() });
        negotiate(mcp, { mode: policy.protocol, timeoutMs: policy.start.timeoutMs, clientInfo: deps.clientInfo }).then(
          guard((info: ProtocolInfo) => {
            protocol = info;
            report({ type: 'mcp.ready', protocol: info, elapsedMs: performance.now() - spawnedAt });
            if (!exited) deps.links?.attach(spec.name, mcp, info);
          }),
          guard((error: unknown) => {
            if (!exited) report({ type: 'mcp.failed', error: errorMessage(error) });
          }),
        );
      }

      receive(
        guard((command: ProcessCommand) => {
          switch (command.type) {
            case 'process.closeStdin':
              child.stdin.end();
              break;
            case 'process.signal':
              if (pid === undefined) break;
              log('orch', `sending ${command.signal} to process group ${pid}`);
              signalAll(command.signal);
              // A frozen (SIGSTOPped) process only acts on SIGTERM once it runs again.
              if (command.signal === 'SIGTERM') signalAll('SIGCONT');
              break;
            case 'probe.check': {
              if (!protocol) break;
              // The machine times each check and has judged the last one by now: its answer is not awaited.
              if (probeId !== undefined) mcp.forget(probeId);
              const started = performance.now();
              const { seq } = command;
              const { method, params } = livenessRequest(protocol, deps.clientInfo);
              const id = mcp.call(method, params, (answer) => {
                if (probeId === id) probeId = undefined;
                if ('result' in answer) report({ type: 'probe.ok', seq, latencyMs: performance.now() - started });
                else report({ type: 'probe.failed', seq, reason: 'error' in answer ? `${method}: ${answer.error.message} (${answer.error.code})` : answer.lost.message });
              });
              probeId = id;
              break;
            }
            case 'tools.list': {
              const { reply, timeoutMs } = command;
              if (!protocol) {
                reply({ error: 'the server has not finished its MCP handshake' });
                break;
              }
              listTools(mcp, protocol, { timeoutMs, clientInfo: deps.clientInfo }).then(
                (tools) => reply({ tools }),
                (error: unknown) => reply({ error: errorMessage(error) }),
              );
              break;
            }
          }
        }),
      );
    } catch (error) {
      log('orch', `internal error: ${errorMessage(error)}`);
      report({ type: 'process.failed', error: `internal error: ${errorMessage(error)}` });
    }
    return cleanup;
  });
}

/** One process that may be gone already, or no longer ours. */
function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: gone; EPERM: not ours any more.
  }
}
