import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import type { AppConfig } from '../../src/config/app-config.js';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import type { Role } from '../../src/config/role.js';
import type { KubeObject } from './kustomize.js';
import { containerEnv, type PodFacts } from './pod-env.js';

/**
 * The rendered manifests seen as distributed-db nodes: for each Deployment or StatefulSet, its one
 * container, and for each pod it would run (a StatefulSet's pods by ordinal) the environment it
 * gets and the config the app builds from it with its own loader.
 */
export interface ClusterPod {
  facts: PodFacts;
  env: Record<string, string>;
  config: AppConfig;
}

export interface ClusterNode {
  workload: (IDeployment | IStatefulSet) & KubeObject;
  podLabels: Record<string, string>;
  podSpec: IPodSpec;
  container: IContainer;
  /** Its first pod's config: what all its pods share (port, registry, replication factor...). */
  config: AppConfig;
  pods: ClusterPod[];
}

export function nodesOf(objects: KubeObject[], namespace: string, imageEnv: Record<string, string>): Map<Role, ClusterNode> {
  const nodes = new Map<Role, ClusterNode>();
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet') as ClusterNode['workload'][];
  for (const workload of workloads) {
    const name = workload.metadata.name;
    const template = workload.spec!.template;
    const podSpec = template.spec!;
    if (podSpec.containers.length !== 1) throw new Error(`${name}: expected one container, found ${podSpec.containers.length}`);
    const container = podSpec.containers[0]!;
    const pods = podNames(workload).map((podName, i) => {
      const facts = { name: podName, namespace, ip: `10.244.0.${10 + i}` };
      const env = containerEnv(container, facts, objects, imageEnv);
      return { facts, env, config: configOf(env, podName) };
    });
    const role = pods[0]!.config.role;
    if (nodes.has(role)) throw new Error(`${name}: a second workload runs ROLE=${role}`);
    nodes.set(role, { workload, podLabels: template.metadata?.labels ?? {}, podSpec, container, config: pods[0]!.config, pods });
  }
  return nodes;
}

/** A StatefulSet's pods are <name>-0 … <name>-(n-1); a Deployment's get a ReplicaSet hash and a random suffix. */
function podNames(workload: ClusterNode['workload']): string[] {
  const name = workload.metadata.name;
  const replicas = workload.spec?.replicas ?? 1;
  if (workload.kind === 'StatefulSet') return Array.from({ length: replicas }, (_, i) => `${name}-${i}`);
  return Array.from({ length: replicas }, (_, i) => `${name}-7d9f8b6c5d-x${i}k2p`);
}

function configOf(env: Record<string, string>, podName: string): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`pod ${podName} would not start: ${error.message}`);
    throw error;
  }
}

/** A port as a probe or a Service's targetPort names it (number or container port name), as a number. */
export function portNumber(container: IContainer, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** Whether a label selector (equality only, as Services use) picks pods with these labels. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/**
 * The Service a host name reaches from a pod in `namespace`: `svc`, `svc.<namespace>` or
 * `svc.<namespace>.svc[.<cluster domain>]`; undefined for anything else.
 */
export function serviceHost(host: string, namespace: string): string | undefined {
  const [service, ns, svc] = host.split('.');
  if (ns === undefined) return service;
  return ns === namespace && (svc === undefined || svc === 'svc') ? service : undefined;
}

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes quantity of bytes ("10Gi", "512Mi", "1G") as a number. */
export function quantityBytes(quantity: string | number): number {
  const match = /^(\d+)([kMGT]i?|Ki)?$/.exec(String(quantity));
  const unit = match ? UNITS[match[2] ?? ''] : undefined;
  if (!match || unit === undefined) throw new Error(`not a byte quantity this test reads: ${quantity}`);
  return Number(match[1]) * unit;
}
