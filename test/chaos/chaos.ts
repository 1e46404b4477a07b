/**
 * `npm run chaos`: a real orch daemon supervising a fleet of fixture servers, under a seeded random
 * schedule of faults for CHAOS_DURATION_MS (default 60 s), then the invariants of issue 10 checked.
 * A plain script rather than a vitest file: one long scenario with its own report, kept out of
 * `npm test`. It prints the seed first and in every failure; `CHAOS_SEED=… npm run chaos` replays the
 * schedule. CHAOS_VERBOSE=1 prints each fault as it happens (a failure prints the last ones anyway).
 * Whatever happens, nothing of the run is left behind: shutdown, then SIGKILL for anything marked
 * with this home, then the tmpfs is unmounted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerForHome } from '../../src/os/marked.js';
import { prepareDisk, type Disk } from './disk.js';
import { FAULT_KINDS, FaultInjector } from './faults.js';
import { Api, FLEET, oneLine, runCli, scanDaemons, scanMarked, signal, until, writeFleetConfig } from './fleet.js';
import { checkBounds, checkHistory, checkNothingLeft, checkOwnership, mib, settle, type Check } from './invariants.js';
import { mulberry32, seedFromEnv } from './random.js';
import { ProcessWatch, StatusPoller } from './watchers.js';

const seed = seedFromEnv();
const durationMs = Number(process.env.CHAOS_DURATION_MS ?? 60_000);
const verbose = process.env.CHAOS_VERBOSE === '1';
const replay = `CHAOS_SEED=${seed} CHAOS_DURATION_MS=${durationMs} npm run chaos`;
const t0 = Date.now();
const say = (line: string) => process.stdout.write(`chaos: ${line}\n`);
const journal: string[] = [];
const note = (line: string) => {
  const entry = `+${((Date.now() - t0) / 1_000).toFixed(1)}s ${line}`;
  journal.push(entry);
  if (verbose) say(entry);
};

if (!Number.isFinite(durationMs) || durationMs < 1_000) throw new Error(`CHAOS_DURATION_MS: expected at least 1000, got "${process.env.CHAOS_DURATION_MS}"`);
say(`seed ${seed} (replay: ${replay}); ${durationMs / 1_000} s of faults on ${FLEET.length} servers`);

const base = mkdtempSync(join(tmpdir(), 'orch-chaos-'));
let disk: Disk | undefined;
let home = join(base, 'fs', 'home');
let owner = ownerForHome(home);
let env: NodeJS.ProcessEnv = { ...process.env, ORCH_HOME: home, ORCH_PORT: '0', NO_COLOR: '1' };
let watch: ProcessWatch | undefined;
let poller: StatusPoller | undefined;
let cleaned: Promise<void> | undefined;

/** Shutdown, then SIGKILL whatever carries this home's marker or runs its daemon, then unmount. Safe to call twice. */
function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    await watch?.stop().catch(() => undefined);
    await poller?.stop().catch(() => undefined);
    if (scanDaemons(home).length > 0) await runCli(['shutdown'], env, 20_000);
    for (let round = 0; round < 10; round++) {
      const daemons = scanDaemons(home);
      const marked = scanMarked(owner);
      if (daemons.length === 0 && marked.length === 0) break;
      if (round > 0) note(`cleanup: SIGKILL daemons [${daemons.join(', ')}] and marked processes [${marked.map((p) => p.pid).join(', ')}]`);
      for (const pid of daemons) signal(pid, 'SIGKILL');
      for (const { pid } of marked) signal(pid, 'SIGKILL');
      await until(() => scanDaemons(home).length === 0 && scanMarked(owner).length === 0, 1_000, 50);
    }
    await disk?.unmount();
    rmSync(base, { recursive: true, force: true });
  })();
  return cleaned;
}

for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.once(event, (error) => {
    say(`the suite itself failed (${event}, seed ${seed}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void cleanup().finally(() => process.exit(1));
  });
}
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.once(name, () => {
    say(`${name}: cleaning up (seed ${seed})`);
    void cleanup().finally(() => process.exit(130));
  });
}

const checks: Check[] = [];
let injector: FaultInjector | undefined;
let orchLog = '';
let ran = 0;
try {
  disk = await prepareDisk(join(base, 'fs'));
  home = join(disk.dir, 'home');
  owner = ownerForHome(home);
  env = { ...env, ORCH_HOME: home };
  say(disk.skipped ? `full-disk fault skipped: ${disk.skipped}` : `ORCH_HOME on its own tmpfs (${disk.dir}), filled and freed during the run`);
  const configPath = writeFleetConfig(join(base, 'mcp.json'));
  const api = new Api(home);
  const daemonPids = new Set<number>();

  const first = await runCli(['start', '--config', configPath], env, 60_000);
  const pid = api.daemonPid();
  if (pid === undefined || !(await api.answers())) throw new Error(`orch start did not bring a daemon up: ${oneLine(first.output)}`);
  daemonPids.add(pid);
  const rng = mulberry32(seed);
  poller = new StatusPoller(env, api);
  injector = new FaultInjector({ rng, env, configPath, home, owner, api, disk, poller, daemonPids, journal: note });
  injector.judgeCli(first, true);
  const atRest = await settle(api, owner, injector.wanted, 30_000);
  if (atRest.length > 0) throw new Error(`the fleet did not come to rest before any fault: ${atRest.join('; ')}`);
  const { rssBytes } = await api.health();
  say(`daemon ${pid} up, fleet at rest after ${((Date.now() - t0) / 1_000).toFixed(1)} s, daemon RSS ${mib(rssBytes)}`);

  watch = new ProcessWatch(owner, home, () => daemonPids, () => poller!.isDown(), (what) => note(`VIOLATION ${what}`));
  const faultsFrom = Date.now();
  await injector.run(durationMs);
  const quiesceFrom = Date.now();
  await injector.quiesce();
  ran = Date.now() - faultsFrom;
  const settleFrom = Date.now();
  const unsettled = await settle(api, owner, injector.wanted, 30_000);
  say(
    `faults stopped after ${(ran / 1_000).toFixed(1)} s (${((settleFrom - quiesceFrom) / 1_000).toFixed(1)} s of it for those under way); ` +
      `${unsettled.length === 0 ? 'fleet at rest' : 'fleet NOT at rest'} ${((Date.now() - settleFrom) / 1_000).toFixed(1)} s later`,
  );
  await watch.stop();
  watch.check();
  await poller.stop();

  const ownership = await checkOwnership(api, owner, home);
  const history = await checkHistory(api);
  const bounds = await checkBounds(api, home, poller.maxRssBytes, poller.rssSamples);
  const shutdown = await runCli(['shutdown'], env, 30_000);
  const left = await checkNothingLeft(owner, home);
  if (shutdown.code !== 0) left.unshift(`orch shutdown exited ${shutdown.code}: ${oneLine(shutdown.output)}`);
  const slowest = Math.max(0, ...poller.runs.map((r) => r.endedAt - r.startedAt));
  checks.push(
    { ...ownership, detail: `${ownership.detail}; none after orch shutdown`, failures: [...ownership.failures, ...left] },
    { name: '2 never two processes of one server', detail: `${watch.samples} samples of /proc (also: none without a daemon); one daemon after each relaunch`, failures: watch.violations.map((v) => `+${((v.time - t0) / 1_000).toFixed(1)}s ${v.what}`) },
    { ...history, failures: [...unsettled, ...history.failures] },
    bounds,
    {
      name: '5 orch status answers',
      detail: `${poller.runs.length} calls, ${poller.excused} failed during a deliberate daemon kill (excused), slowest ${slowest} ms`,
      failures: poller.violations.map((v) => `+${((v.time - t0) / 1_000).toFixed(1)}s ${v.what}`),
    },
    {
      name: '6 commands and relaunches',
      detail: `${injector.cliRuns} CLI commands judged${injector.slowest ? `, slowest \`orch ${injector.slowest.args.join(' ')}\` ${injector.slowest.endedAt - injector.slowest.startedAt} ms` : ''}`, failures: injector.violations.map((v) => `+${((v.time - t0) / 1_000).toFixed(1)}s ${v.what}`) },
  );
} catch (error) {
  checks.push({ name: 'the run itself', detail: '', failures: [error instanceof Error ? error.message : String(error)] });
} finally {
  try {
    orchLog = readFileSync(join(home, 'orchestrator.log'), 'utf8');
  } catch {}
  await cleanup();
}

const failed = checks.some((c) => c.failures.length > 0);
if (injector) {
  const onFull = (k: string) => (k === 'daemonKill' && injector!.killsOnFullDisk > 0 ? `, ${injector!.killsOnFullDisk} on a full disk` : '');
  const counts = FAULT_KINDS.map((k) =>
    k === 'diskFill' && disk?.skipped
      ? 'diskFill none (no tmpfs)'
      : `${k} ${injector!.done[k]}${injector!.skipped[k] || onFull(k) ? ` (${injector!.skipped[k]} skipped${onFull(k)})` : ''}`,
  );
  const total = FAULT_KINDS.reduce((n, k) => n + injector!.done[k], 0);
  say(`${total} faults: ${counts.join(', ')}`);
}
for (const check of checks) {
  say(`${check.failures.length === 0 ? 'PASS' : 'FAIL'} ${check.name}${check.detail ? `: ${check.detail}` : ''}`);
  for (const failure of check.failures) say(`     ${failure}`);
}
if (failed) {
  say(`every fault, seed ${seed}:`);
  for (const line of journal) say(`  ${line}`);
  if (orchLog) {
    // The home is gone with its tmpfs; the daemon's own account of the run is kept for the post-mortem.
    const kept = join(tmpdir(), `orch-chaos-${seed}-orchestrator.log`);
    writeFileSync(kept, orchLog);
    say(`the daemons' log (orchestrator.log) is kept in ${kept}`);
  }
}
say(`${failed ? 'FAIL' : 'PASS'}: seed ${seed}, ${(ran / 1_000).toFixed(1)} s of faults, ${((Date.now() - t0) / 1_000).toFixed(1)} s in all, ${checks.length} invariants checked${failed ? `; replay: ${replay}` : ''}`);
process.exit(failed ? 1 : 0);
