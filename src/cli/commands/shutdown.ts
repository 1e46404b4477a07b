/** `orch shutdown`: the daemon stops every server, then itself; this waits until it is gone. */
import { OrchError } from '../../errors.js';
import { resolveHome } from '../../home.js';
import { isSameProcess } from '../../os/proc.js';
import { connectDaemon } from '../client.js';

/** Beyond the servers' own stop deadlines, which the daemon enforces. */
const GONE_TIMEOUT_MS = 60_000;

export async function shutdownCommand(): Promise<void> {
  const client = connectDaemon(resolveHome());
  const { pid } = client.info;
  await client.request('POST', '/api/shutdown');
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (isSameProcess(pid, null)) {
    if (Date.now() > deadline) throw new OrchError('DAEMON_FAILED', `the daemon (pid ${pid}) is still running after ${GONE_TIMEOUT_MS / 1_000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write(`every server is stopped; the orch daemon (pid ${pid}) has exited\n`);
}
