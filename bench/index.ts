/**
 * `npm run bench [name…]`: runs every benchmark (or the named ones) and prints their figures. The
 * hour-long ones (`soak`) run only when named.
 */
import { benchCost } from './cost.bench.js';
import { benchDaemon } from './daemon.bench.js';
import { benchDashboard } from './dashboard.bench.js';
import { benchFlood } from './flood.bench.js';
import { benchGateway } from './gateway.bench.js';
import { benchReload } from './reload.bench.js';
import { benchRestart } from './restart.bench.js';
import { benchSampling } from './sampling.bench.js';
import { benchSoak } from './soak.bench.js';

const BENCHES: Record<string, () => Promise<void>> = {
  restart: benchRestart,
  daemon: benchDaemon,
  sampling: benchSampling,
  dashboard: benchDashboard,
  flood: benchFlood,
  reload: benchReload,
  gateway: benchGateway,
  cost: benchCost,
  soak: benchSoak,
};
const ONLY_WHEN_NAMED = new Set(['soak']);

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in BENCHES)) {
    process.stderr.write(`unknown bench "${name}"; known: ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
}
for (const [name, run] of Object.entries(BENCHES)) {
  if (wanted.length === 0 ? !ONLY_WHEN_NAMED.has(name) : wanted.includes(name)) await run();
}
