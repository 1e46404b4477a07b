/** Server-side render time of the dashboard's overview (page and live fragment) with 100 servers. */
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/http/app.js';
import { Sessions } from '../src/http/auth.js';
import type { ServerStateName } from '../src/machines/server.types.js';
import { createFakeSupervision, PORT } from '../test/http/fake-supervision.js';
import { heading, median, ms, percentile, row } from './stats.js';

const STATES: ServerStateName[] = ['running', 'running', 'running', 'unhealthy', 'stopped', 'crashed', 'backoff'];

export async function benchDashboard(): Promise<void> {
  const fake = createFakeSupervision(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`server-${i}`, STATES[i % STATES.length]!])));
  const sessions = new Sessions();
  const app = createApp(fake.deps, sessions);
  const cookie = `orch_session=${sessions.redeem(sessions.issueLoginCode().code)}`;
  const host = `127.0.0.1:${PORT}`;
  const time = async (path: string) => {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 300; i += 1) {
      const began = performance.now();
      const response = await app.request(`http://${host}${path}`, { headers: { host, cookie } });
      bytes = (await response.text()).length;
      if (i >= 50) times.push(performance.now() - began);
    }
    return { times, bytes };
  };
  heading('dashboard: server-side render, 100 servers');
  for (const path of ['/', '/ui/overview']) {
    const { times, bytes } = await time(path);
    row(`GET ${path} (median / p99)`, `${ms(median(times))} / ${ms(percentile(times, 99))}, ${(bytes / 1024).toFixed(0)} KB`);
  }
}
