import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IService } from 'kubernetes-models/v1';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { Role } from '../../src/config/role.js';
import { dockerfileEnv } from '../support/dockerfile-env.js';
import { validateKubeObject } from '../support/kube-models.js';
import { nodesOf, portNumber, quantityBytes, selects, serviceHost, type ClusterNode } from '../support/kube-nodes.js';
import {
  kubectlAvailable,
  readKustomization,
  renderByHand,
  renderWithKubectl,
  withoutNameHashes,
  type KubeObject,
} from '../support/kustomize.js';

// deploy/kubernetes rendered as `kubectl apply -k` would apply it, and checked against what the
// app itself accepts (src/config) and what Kubernetes accepts (kubernetes-models' schemas).

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MANIFESTS = join(ROOT, 'deploy/kubernetes');
const SECRET_FILE = 'cluster-secret.env';
const NAMESPACE = 'ddb-test'; // not "default", so a hard-coded namespace would show
const HEALTH = { live: '/health/live', ready: '/health/ready' };
const HAS_KUBECTL = kubectlAvailable();
const render = HAS_KUBECTL ? renderWithKubectl : renderByHand;
const itWithKubectl = HAS_KUBECTL ? it : it.skip;

/** A copy of deploy/kubernetes holding the git-ignored file a user creates (never the user's own). */
function copyOfManifests(secretFileContent?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddb-k8s-'));
  cpSync(MANIFESTS, dir, { recursive: true, filter: (src) => basename(src) !== SECRET_FILE });
  if (secretFileContent !== undefined) writeFileSync(join(dir, SECRET_FILE), secretFileContent);
  return dir;
}

function byKind<T>(objects: KubeObject[], kind: string): (T & KubeObject)[] {
  return objects.filter((o) => o.kind === kind) as (T & KubeObject)[];
}

describe(`Kubernetes manifests in deploy/kubernetes (rendered with ${HAS_KUBECTL ? 'kubectl kustomize' : 'the hand-made kustomize'})`, () => {
  const secret = randomBytes(32).toString('hex');
  let dir: string;
  let objects: KubeObject[];
  let nodes: Map<Role, ClusterNode>;
  let services: (IService & KubeObject)[];

  beforeAll(() => {
    dir = copyOfManifests(`CLUSTER_SECRET=${secret}\n`);
    objects = render(dir);
    // The image's own ENV (PORT, DATA_DIR, HOST...) is part of what each container sees.
    nodes = nodesOf(objects, NAMESPACE, dockerfileEnv(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')));
    services = byKind<IService>(objects, 'Service');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function node(role: Role): ClusterNode {
    const found = nodes.get(role);
    if (!found) throw new Error(`no workload runs ROLE=${role}`);
    return found;
  }

  /** The Services whose selector picks this node's pods. */
  function servicesOf(target: ClusterNode): (IService & KubeObject)[] {
    return services.filter((s) => selects(s.spec?.selector, target.podLabels));
  }

  /** Asserts that `url` reaches `target`'s pods through `service`, on the port they listen on. */
  function expectUrlReaches(url: string, service: IService & KubeObject, target: ClusterNode): void {
    const parsed = new URL(url);
    expect(serviceHost(parsed.hostname, NAMESPACE)).toBe(service.metadata.name);
    const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    const servicePort = service.spec?.ports?.find((p) => p.port === port);
    expect(servicePort).toBeDefined();
    expect(portNumber(target.container, servicePort!.targetPort ?? servicePort!.port)).toBe(target.config.port);
  }

  it('is valid Kubernetes: every object passes the schema of its apiVersion and kind', async () => {
    for (const object of objects) {
      await expect(validateKubeObject(object)).resolves.toBeUndefined();
    }
    const kinds = objects.map((o) => o.kind).sort();
    expect(kinds).toEqual([
      'ConfigMap',
      'Deployment',
      'Deployment',
      'PodDisruptionBudget',
      'Secret',
      'Service',
      'Service',
      'Service',
      'StatefulSet',
    ]);
  });

  itWithKubectl('renders by hand exactly what kubectl kustomize renders, so CI without kubectl checks the same objects', () => {
    const kustomization = readKustomization(dir);
    const generated = [...(kustomization.configMapGenerator ?? []), ...(kustomization.secretGenerator ?? [])].map((g) => g.name);
    const key = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;
    const sorted = (list: KubeObject[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(renderByHand(dir))).toEqual(sorted(withoutNameHashes(objects, generated)));
  });

  it("gives every container an environment that the app's own config validation accepts for its role", () => {
    expect([...nodes.keys()].sort()).toEqual([Role.Leader, Role.Registry, Role.Storage]);
    for (const [role, { workload, podLabels, podSpec, pods }] of nodes) {
      expect(podLabels['app.kubernetes.io/component']).toBe(role);
      // Kubernetes would add a variable per Service; the environment checked here is then all there is.
      expect(podSpec.enableServiceLinks).toBe(false);
      for (const pod of pods) {
        expect(Object.values(pod.env).filter((v) => v.includes('$('))).toEqual([]);
        expect(pod.config.role).toBe(role);
        expect(pod.config.clusterSecret).toBe(secret);
      }
      expect(workload.kind).toBe(role === Role.Storage ? 'StatefulSet' : 'Deployment');
    }
  });

  it('has each node listen on its containerPort and probe /health/live and /health/ready on it', () => {
    for (const { container, config } of nodes.values()) {
      expect(container.ports?.map((p) => p.containerPort)).toEqual([config.port]);
      for (const probe of [container.startupProbe, container.livenessProbe]) {
        expect(probe?.httpGet?.path).toBe(HEALTH.live);
        expect(portNumber(container, probe!.httpGet!.port)).toBe(config.port);
      }
      expect(container.readinessProbe?.httpGet?.path).toBe(HEALTH.ready);
      expect(portNumber(container, container.readinessProbe!.httpGet!.port)).toBe(config.port);
    }
  });

  it('sends each Service to the pods of one role only, on the port they listen on', () => {
    for (const service of services) {
      const targets = [...nodes.values()].filter((n) => selects(service.spec?.selector, n.podLabels));
      expect(targets).toHaveLength(1);
      for (const port of service.spec?.ports ?? []) {
        expect(portNumber(targets[0]!.container, port.targetPort ?? port.port)).toBe(targets[0]!.config.port);
      }
    }
    for (const n of nodes.values()) {
      expect(selects(n.workload.spec?.selector.matchLabels, n.podLabels)).toBe(true);
      expect(servicesOf(n)).toHaveLength(1);
    }
  });

  it('points the leader and every storage node at the registry through its Service', () => {
    const registry = node(Role.Registry);
    const [registryService] = servicesOf(registry);
    expect(registryService!.spec?.clusterIP).not.toBe('None');
    for (const role of [Role.Leader, Role.Storage]) {
      for (const pod of node(role).pods) expectUrlReaches(pod.config.registryUrl!, registryService!, registry);
    }
  });

  it('advertises the leader and the registry at their Services', () => {
    for (const role of [Role.Leader, Role.Registry]) {
      const target = node(role);
      expectUrlReaches(target.config.advertiseUrl!, servicesOf(target)[0]!, target);
    }
  });

  it('gives each storage pod its pod name as node id and its own DNS name under the headless Service as URL', () => {
    const storage = node(Role.Storage);
    const [headless] = servicesOf(storage);
    expect(headless!.spec?.clusterIP).toBe('None');
    // The leader must reach a node by name while it is not ready (e.g. while it re-registers).
    expect(headless!.spec?.publishNotReadyAddresses).toBe(true);
    expect(storage.workload.kind).toBe('StatefulSet');
    expect((storage.workload as IStatefulSet).spec?.serviceName).toBe(headless!.metadata.name);
    for (const { facts, config } of storage.pods) {
      expect(config.nodeId).toBe(facts.name);
      const url = new URL(config.advertiseUrl!);
      // <pod>.<headless service>.<namespace>.svc[.<cluster domain>]: a pod's own address, no Service port in between.
      expect(url.hostname.split('.').slice(0, 4)).toEqual([facts.name, headless!.metadata.name, NAMESPACE, 'svc']);
      expect(Number(url.port)).toBe(config.port);
    }
    expect(new Set(storage.pods.map((p) => p.config.nodeId)).size).toBe(storage.pods.length);
  });

  it('mounts each storage pod its own volume at DATA_DIR, and reports the volume size as capacity', () => {
    const { workload, container, podSpec, pods } = node(Role.Storage);
    const claims = (workload as IStatefulSet).spec?.volumeClaimTemplates ?? [];
    for (const { config } of pods) {
      const mount = container.volumeMounts?.find((m) => m.mountPath === config.dataDir);
      expect(mount).toBeDefined();
      expect(mount!.readOnly ?? false).toBe(false);
      expect(podSpec.volumes?.some((v) => v.name === mount!.name) ?? false).toBe(false);
      const claim = claims.find((c) => c.metadata?.name === mount!.name);
      expect(claim).toBeDefined();
      expect(quantityBytes(claim!.spec!.resources!.requests!.storage!)).toBe(config.capacityBytes);
    }
  });

  it('runs enough storage nodes for REPLICATION_FACTOR and lets a disruption take only what keeps a majority', () => {
    const storage = node(Role.Storage);
    const { replicationFactor } = storage.pods[0]!.config;
    expect(storage.workload.spec?.replicas).toBeGreaterThanOrEqual(replicationFactor);
    const budgets = byKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').filter((b) =>
      selects(b.spec?.selector?.matchLabels, storage.podLabels),
    );
    expect(budgets).toHaveLength(1);
    const majority = Math.floor(replicationFactor / 2) + 1;
    expect(budgets[0]!.spec?.maxUnavailable).toBe(replicationFactor - majority);
  });

  it('runs one registry and one leader, replaced rather than doubled during an update', () => {
    for (const role of [Role.Registry, Role.Leader]) {
      const { workload } = node(role);
      expect(workload.spec?.replicas).toBe(1);
      expect((workload as IDeployment).spec?.strategy?.type).toBe('Recreate');
    }
  });

  it("runs every container as the image's non-root user on a read-only root, with /tmp writable", () => {
    for (const { podSpec, container } of nodes.values()) {
      expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(podSpec.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      expect(podSpec.terminationGracePeriodSeconds).toBeGreaterThan(0);
    }
    // The data volume belongs to root until fsGroup hands it to the node user's group.
    expect(node(Role.Storage).podSpec.securityContext?.fsGroup).toBe(1000);
  });

  it('asks for CPU and memory and caps memory for every container', () => {
    for (const { container } of nodes.values()) {
      expect(Object.keys(container.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
      const request = quantityBytes(container.resources!.requests!.memory!);
      expect(quantityBytes(container.resources?.limits?.memory ?? '0')).toBeGreaterThanOrEqual(request);
    }
  });

  it('takes every image from the kustomization, so one `images:` entry retargets them all', () => {
    const { images } = readKustomization(dir);
    expect(images).toEqual([{ name: 'distributed-db', newName: 'distributed-db', newTag: 'latest' }]);
    for (const { container } of nodes.values()) expect(container.image).toBe('distributed-db:latest');
  });

  it('commits only an example secret the nodes refuse, and git-ignores the real one', () => {
    const example = readFileSync(join(MANIFESTS, `${SECRET_FILE}.example`), 'utf8');
    const placeholder = /^CLUSTER_SECRET=(.*)$/m.exec(example)?.[1];
    expect(placeholder).toBeDefined();
    expect(() => loadConfig({ ROLE: Role.Registry, CLUSTER_SECRET: placeholder })).toThrow(ConfigError);
    const ignored = spawnSync('git', ['check-ignore', '--quiet', join(MANIFESTS, SECRET_FILE)], { cwd: ROOT });
    expect(ignored.status).toBe(0);
  });

  it('refuses to render without cluster-secret.env, naming the file', () => {
    const withoutSecret = copyOfManifests();
    try {
      expect(() => render(withoutSecret)).toThrow(/cluster-secret\.env/);
    } finally {
      rmSync(withoutSecret, { recursive: true, force: true });
    }
  });
});
