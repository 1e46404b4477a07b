/** The one line `orch start` and `orch monitor` end with: what a new user can do next. */
import type { ServerStatus } from '../status.js';

type Server = Pick<ServerStatus, 'name' | 'state'>;

/** In the background (`orch start`) the dashboard is `orch dashboard`; in the foreground, a link. */
export function nextSteps(servers: readonly Server[], where: { dashboard: string; foreground: boolean }): string {
  // The server worth following: one that did not come up, else the first.
  const follow = servers.find((s) => s.state !== 'running') ?? servers[0];
  const steps = [
    'orch status',
    `orch logs -f ${follow?.name ?? 'NAME'}`,
    where.dashboard,
    where.foreground ? 'Ctrl-C stops every server' : 'orch stop to stop',
  ];
  return `next: ${steps.join(' · ')}`;
}

export function startHint(servers: readonly Server[]): string {
  return `${nextSteps(servers, { dashboard: 'orch dashboard', foreground: false })}\n`;
}
