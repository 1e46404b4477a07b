/**
 * `orch shutdown`: the daemon stops every server, then itself; this waits until it is gone. With no
 * daemon running there is nothing to do, which is success: the state the user asked for holds.
 */
import { isOrchError, OrchError } from '../../errors.js';
import { resolveHome, type OrchHome } from '../../home.js';
import { isSameProcess } from '../../os/proc.js';
import { connectDaemon, type DaemonClient } from '../client.js';

/** Beyond the servers' own stop deadlines, which the daemon enforces. */
const GONE_TIMEOUT_MS = 60_000;

/** `--json`: `{"stopped": true, "pid": N}`, or `{"stopped": false, "pid": null}` when none was running. */
export async function shutdownCommand(flags: { json?: boolean } = {}): Promise<void> {
  const home = resolveHome();
  const client = recordedDaemon(home);
  if (!client) {
    process.stdout.write(flags.json ? `${JSON.stringify({ stopped: false, pid: null })}\n` : `no orch daemon is running for ${home.root}\n`);
    return;
  }
  const { pid } = client.info;
  await client.request('POST', '/api/shutdown');
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (isSameProcess(pid, null)) {
    if (Date.now() > deadline) throw new OrchError('DAEMON_FAILED', `the daemon (pid ${pid}) is still running after ${GONE_TIMEOUT_MS / 1_000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write(
    flags.json ? `${JSON.stringify({ stopped: true, pid })}\n` : `every server is stopped; the orch daemon (pid ${pid}) has exited\n`,
  );
}

/** The daemon daemon.json names, if its process is still there (a killed one leaves the file behind). */
function recordedDaemon(home: OrchHome): DaemonClient | undefined {
  try {
    const client = connectDaemon(home);
    return isSameProcess(client.info.pid, null) ? client : undefined;
  } catch (error) {
    if (isOrchError(error) && error.code === 'NO_DAEMON') return undefined;
    throw error;
  }
}
