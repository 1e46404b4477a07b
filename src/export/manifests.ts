/**
 * The Kubernetes objects of one server: a Deployment running `orch serve --server NAME` and a
 * ClusterIP Service in front of it. Plain objects, in a fixed key order, for the YAML writer.
 *
 * One replica with `strategy: Recreate`: a stdio server is one process with its own state (server-memory's
 * file), and two of them side by side during a rollout would share it. The pod runs as the image's
 * `node` user (uid 1000) on a read-only root file system; what orch and the servers write goes to
 * `emptyDir`s: /tmp, $ORCH_HOME (logs, session key) and $HOME (npm's and other tools' caches).
 * The token is a file (`--token-file`), not `ORCH_TOKEN`: every server inherits orch's environment,
 * and a server's own env should not hold the key to every server's endpoint.
 */
import type { Policy } from '../config/policy.js';
import { affinitySeconds, HTTP_PORT, probes, resources, terminationGraceSeconds } from './resources.js';
import type { Yaml } from './yaml.js';

const CONFIG_MAP = 'orch-config';
const CONFIG_FILE = 'mcp.json';
const CONFIG_DIR = '/etc/orch';
export const TOKEN_SECRET = 'orch';
export const TOKEN_KEY = 'orch-token';
export const PART_OF = { 'app.kubernetes.io/part-of': 'orch' };
const ORCH_HOME = '/var/lib/orch';
const TOKEN_DIR = '/var/run/secrets/orch';
const HOME = '/home/node';
const UID = 1000;

export interface ServerObjects {
  name: string;
  object: string;
  policy: Policy;
  image: string;
  /** The Secret with the server's env, when it has any. */
  envSecret?: string;
  /** The ConfigMap key of the server's config, and its hash: a change to it rolls the pod, a change to another server's does not. */
  configKey: string;
  configHash: string;
  allowOrigins: readonly string[];
}

export function deployment(server: ServerObjects): Yaml {
  const labels = { 'app.kubernetes.io/name': server.object, ...PART_OF };
  const origins = server.allowOrigins.length > 0 ? server.allowOrigins : [`http://${server.object}`];
  const args = ['serve', '--server', server.name, '--config', `${CONFIG_DIR}/${CONFIG_FILE}`, '--token-file', `${TOKEN_DIR}/${TOKEN_KEY}`, '--host', '0.0.0.0'];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: server.object, labels, annotations: { 'orch/server': server.name } },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: labels },
      template: {
        metadata: {
          labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(HTTP_PORT),
            'prometheus.io/path': '/metrics',
            'orch/config-hash': server.configHash,
          },
        },
        spec: {
          automountServiceAccountToken: false,
          // Service links would add MEMORY_PORT=tcp://… and the like to every server's environment.
          enableServiceLinks: false,
          terminationGracePeriodSeconds: terminationGraceSeconds(server.policy),
          securityContext: { runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'orch',
              image: server.image,
              imagePullPolicy: 'IfNotPresent',
              args: [...args, ...origins.flatMap((origin) => ['--allow-origin', origin])],
              ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
              env: [
                { name: 'ORCH_PORT', value: String(HTTP_PORT) },
                { name: 'ORCH_HOME', value: ORCH_HOME },
                { name: 'HOME', value: HOME },
              ],
              ...(server.envSecret !== undefined && { envFrom: [{ secretRef: { name: server.envSecret } }] }),
              resources: resources(server.policy),
              ...probes(server.policy),
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'token', mountPath: TOKEN_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'orch-home', mountPath: ORCH_HOME },
                { name: 'home', mountPath: HOME },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: CONFIG_MAP, items: [{ key: server.configKey, path: CONFIG_FILE }] } },
            { name: 'token', secret: { secretName: TOKEN_SECRET, defaultMode: 0o440 } },
            { name: 'tmp', emptyDir: {} },
            { name: 'orch-home', emptyDir: {} },
            { name: 'home', emptyDir: {} },
          ],
        },
      },
    },
  };
}

/** Per-session servers keep a client on one pod (with replicas > 1) as long as orch keeps its session. */
export function service(server: ServerObjects): Yaml {
  const labels = { 'app.kubernetes.io/name': server.object, ...PART_OF };
  const perSession = server.policy.gateway.sharing === 'per-session';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: server.object, labels, annotations: { 'orch/server': server.name } },
    spec: {
      type: 'ClusterIP',
      selector: labels,
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      ...(perSession && {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: affinitySeconds(server.policy) } },
      }),
    },
  };
}

/**
 * One key a server, `OBJECT.json`, holding a config of that server alone: `orch serve` loads its whole
 * file, and another server's `${KEY}`s are not set in this pod (its Secret is the other server's).
 */
export function configMap(configs: Readonly<Record<string, string>>): Yaml {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONFIG_MAP, labels: PART_OF }, data: configs };
}
