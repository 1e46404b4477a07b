/**
 * `orch reload` on a 100-server config where one server changed: the time from the request to the
 * daemon having acted (config read, validated, compared, the changed server's restart begun), as
 * orch's own client sees it, without the restarted server's own start.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { connectDaemon } from '../src/cli/client.js';
import { resolveHome } from '../src/home.js';
import { benchFleet } from './fleet.js';
import { heading, median, ms, percentile, row } from './stats.js';

const SERVERS = Number(process.env.BENCH_SERVERS ?? 100);

export async function benchReload(): Promise<void> {
  const { env, config, orch, close } = benchFleet(SERVERS);
  try {
    await orch('start', '--config', config);
    const client = connectDaemon(resolveHome(env));
    const original = JSON.parse(readFileSync(config, 'utf8')) as { mcpServers: Record<string, { args: string[] }> };
    const times: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      // Every round changes one server's arguments, so each reload restarts exactly one server.
      const edited = structuredClone(original);
      edited.mcpServers['server-000']!.args.push(`--round=${i}`);
      writeFileSync(config, JSON.stringify(edited));
      const began = performance.now();
      const { changes } = await client.request<{ changes: unknown[] }>('POST', '/api/reload');
      times.push(performance.now() - began);
      if (changes.length !== 1) throw new Error(`expected one change, got ${changes.length}`);
    }
    const nothing: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const began = performance.now();
      await client.request('POST', '/api/reload');
      nothing.push(performance.now() - began);
    }
    heading(`reload: ${SERVERS} servers`);
    row('one server changed (median)', ms(median(times)));
    row('one server changed (p90)', ms(percentile(times, 90)));
    row('nothing changed (median)', ms(median(nothing)));
  } finally {
    await close();
  }
}
