/** Where orch keeps its state: `$ORCH_HOME`, `~/.orch` by default. */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface OrchHome {
  root: string;
  logsDir: string;
  eventsFile: string;
  orchestratorLog: string;
  daemonFile: string;
  tokenFile: string;
  lockFile: string;
  groupsFile: string;
  wantedFile: string;
}

export function resolveHome(env: NodeJS.ProcessEnv = process.env): OrchHome {
  const root = resolve(env.ORCH_HOME || join(homedir(), '.orch'));
  const logsDir = join(root, 'logs');
  return {
    root,
    logsDir,
    eventsFile: join(root, 'events.jsonl'),
    orchestratorLog: join(root, 'orchestrator.log'),
    daemonFile: join(root, 'daemon.json'),
    tokenFile: join(root, 'token'),
    lockFile: join(root, 'daemon.lock'),
    groupsFile: join(root, 'groups.json'),
    wantedFile: join(root, 'state.json'),
  };
}

export function ensureHome(home: OrchHome): OrchHome {
  mkdirSync(home.logsDir, { recursive: true, mode: 0o700 });
  return home;
}
