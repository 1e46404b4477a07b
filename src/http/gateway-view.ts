/**
 * The gateway's figures joined to what the API and the dashboard show of a server. The endpoint is
 * a full URL on 127.0.0.1, where the daemon always listens, so it can be pasted into a client as is.
 */
import type { ServerDetail, ServerStatus } from '../status.js';
import type { GatewayReadout } from './deps.js';

export function withGateway(detail: ServerDetail, gateway: GatewayReadout | undefined, port: number): ServerDetail {
  if (!gateway) return detail;
  const { name } = detail;
  return {
    ...detail,
    endpoint: `http://127.0.0.1:${port}${gateway.endpoint(name)}`,
    calls: { perMinute: gateway.calls.callsPerMinute(name), tools: gateway.calls.summary(name) },
    sessions: gateway.sessions(name),
  };
}

/**
 * Calls per minute for the overview's cards, or none without a gateway. A remote server shows one only
 * once calls went through orch: otherwise a 0 on it would read as idle rather than elsewhere.
 */
export function callRates(servers: ServerStatus[], gateway: GatewayReadout | undefined): ReadonlyMap<string, number> | undefined {
  if (!gateway) return undefined;
  const rates = new Map<string, number>();
  for (const server of servers) {
    const rate = gateway.calls.callsPerMinute(server.name);
    if (server.state !== 'remote' || rate > 0) rates.set(server.name, rate);
  }
  return rates;
}
