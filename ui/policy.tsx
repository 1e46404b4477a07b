/**
 * The effective policy in human units (10 s, 1 GB, 90%), keyed by the config's own names so it can be
 * copied into `orchestrator`; the raw number is on hover for exactly that.
 */
import { formatBytes, formatDuration, type ServerDetail } from '../src/view-model.js';

type Policy = ServerDetail['policy'];

/** The unit follows the config's naming: `…Ms` durations, `…Bytes` sizes, `…Percent`, `jitter` a fraction. */
export function policyValue(key: string, value: unknown): string {
  if (typeof value !== 'number') return String(value);
  if (key.endsWith('Ms')) return formatDuration(value);
  if (key.endsWith('Bytes')) return formatBytes(value);
  if (key.endsWith('Percent')) return `${value}%`;
  if (key === 'jitter') return `±${Math.round(value * 100)}%`;
  return String(value);
}

export function PolicyTable({ policy }: { policy: Policy }) {
  const rows = Object.entries(policy).flatMap(([section, values]): [path: string, key: string, value: unknown][] =>
    typeof values === 'object' ? Object.entries(values).map(([key, value]) => [`${section}.${key}`, key, value]) : [[section, section, values]],
  );
  return (
    <table class="policy">
      <tbody>
        {rows.map(([path, key, value]) => (
          <tr>
            <th>
              <code>{path}</code>
            </th>
            <td class="num" data-policy={path} title={typeof value === 'number' ? String(value) : undefined}>
              {policyValue(key, value)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
