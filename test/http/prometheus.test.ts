/** `/metrics` with the gateway's part: parsed back, each family once, the histogram cumulative and consistent. */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { DURATION_BUCKETS_SECONDS } from '../../src/gateway/call-stats.js';
import { createFakeGateway } from './fake-gateway.js';
import { createFakeSupervision, PORT, TOKEN } from './fake-supervision.js';

const HOST = `127.0.0.1:${PORT}`;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition format, the parts orch writes: `# HELP`/`# TYPE` lines and `name{k="v",…} value`. */
function parse(text: string) {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.trimEnd().split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      expect(types.has(type[1]!), `${type[1]} declared twice`).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(sample, line).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample![2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: sample![1]!, labels, value: Number(sample![3]) });
  }
  const find = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return { types, samples, find };
}

async function metrics(withGateway: boolean) {
  const fake = createFakeSupervision({ memory: 'running', files: 'stopped', 'odd "name"': 'running' });
  const gateway = createFakeGateway();
  const app = createApp({ ...fake.deps, gateway: withGateway ? gateway.readout : undefined });
  const read = async () => {
    const response = await app.request(`http://${HOST}/metrics`, { headers: { host: HOST, authorization: `Bearer ${TOKEN}` } });
    return parse(await response.text());
  };
  return { gateway, read };
}

describe('/metrics: the MCP gateway', () => {
  it('counts requests by server, method, tool and outcome', async () => {
    const { gateway, read } = await metrics(true);
    gateway.call('memory', 'read_graph', 3);
    gateway.call('memory', 'read_graph', 4);
    gateway.call('memory', 'read_graph', 30_000, 'timeout');
    gateway.call('memory', null, 1);
    gateway.call('odd "name"', 'x', 1, 'jsonrpc:-32601');
    const { types, find } = await read();
    expect(types.get('orch_mcp_requests_total')).toBe('counter');
    const count = (labels: Record<string, string>) => find('orch_mcp_requests_total', labels).map((s) => s.value);
    expect(count({ server: 'memory', method: 'tools/call', tool: 'read_graph', outcome: 'ok' })).toEqual([2]);
    expect(count({ server: 'memory', method: 'tools/call', tool: 'read_graph', outcome: 'timeout' })).toEqual([1]);
    expect(count({ server: 'memory', method: 'tools/list', tool: '', outcome: 'ok' })).toEqual([1]);
    expect(count({ server: 'odd "name"', outcome: 'jsonrpc:-32601' })).toEqual([1]);
    expect(count({ server: 'files' })).toEqual([]);
  });

  it('the duration histogram: cumulative buckets in seconds up to +Inf, which equals _count, and _sum', async () => {
    const { gateway, read } = await metrics(true);
    const durations = [0.4, 3, 3, 40, 900, 12_000, 400_000];
    for (const ms of durations) gateway.call('memory', 'read_graph', ms);
    const { types, find } = await read();
    const name = 'orch_mcp_request_duration_seconds';
    expect(types.get(name)).toBe('histogram');
    const labels = { server: 'memory', method: 'tools/call', tool: 'read_graph' };
    const buckets = find(`${name}_bucket`, labels);
    expect(buckets.map((b) => b.labels.le)).toEqual([...DURATION_BUCKETS_SECONDS.map(String), '+Inf']);
    for (const bucket of buckets) {
      const le = bucket.labels.le === '+Inf' ? Infinity : Number(bucket.labels.le);
      expect(bucket.value, `le=${bucket.labels.le}`).toBe(durations.filter((ms) => ms / 1_000 <= le).length);
    }
    expect(buckets.at(-1)!.value).toBe(find(`${name}_count`, labels)[0]!.value);
    expect(find(`${name}_count`, labels)[0]!.value).toBe(durations.length);
    const calls = find('orch_mcp_requests_total', labels).reduce((sum, s) => sum + s.value, 0);
    expect(find(`${name}_count`, labels)[0]!.value).toBe(calls);
    expect(find(`${name}_sum`, labels)[0]!.value).toBeCloseTo(durations.reduce((a, b) => a + b) / 1_000, 6);
  });

  it('sessions and requests in flight for every server, calls or not', async () => {
    const { gateway, read } = await metrics(true);
    gateway.session('memory', { inFlight: 2 });
    gateway.session('memory', { id: 'e5f6', inFlight: 1 });
    const { types, find } = await read();
    expect(types.get('orch_mcp_sessions')).toBe('gauge');
    expect(find('orch_mcp_sessions').map((s) => [s.labels.server, s.value])).toEqual([['memory', 2], ['files', 0], ['odd "name"', 0]]);
    expect(find('orch_mcp_requests_in_flight').map((s) => [s.labels.server, s.value])).toEqual([['memory', 3], ['files', 0], ['odd "name"', 0]]);
  });

  it('without a gateway, nothing of it, and the rest as before', async () => {
    const without = await (await metrics(false)).read();
    expect(without.samples.filter((s) => s.name.startsWith('orch_mcp_'))).toEqual([]);
    expect([...without.types.keys()].some((name) => name.startsWith('orch_mcp_'))).toBe(false);
    const withIt = await (await metrics(true)).read();
    expect(withIt.samples.filter((s) => !s.name.startsWith('orch_mcp_'))).toEqual(without.samples);
  });
});
