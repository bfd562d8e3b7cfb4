import type { IContainer, IEnvVarSource } from 'kubernetes-models/v1';
import type { KubeObject } from './kustomize.js';

/**
 * A container's environment at run time, worked out the way the kubelet does: the image's ENV,
 * then `envFrom` sources, then `env` entries in order, with `$(VAR)` expanded from the variables
 * defined before it (an undefined reference stays as written, as in Kubernetes). Values from the
 * downward API come from `pod`; values from Secrets and ConfigMaps from the rendered objects.
 */
export interface PodFacts {
  name: string;
  namespace: string;
  ip: string;
}

export function containerEnv(
  container: IContainer,
  pod: PodFacts,
  objects: KubeObject[],
  imageEnv: Record<string, string>,
): Record<string, string> {
  const defined: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const data = ref ? dataOf(objects, kind, ref.name ?? '') : undefined;
    if (!data) {
      if (ref?.optional) continue;
      throw new Error(`${container.name}: envFrom ${kind} ${ref?.name} does not exist, so the pod would not start`);
    }
    for (const [key, value] of Object.entries(data)) defined[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const variable of container.env ?? []) {
    const value = variable.valueFrom
      ? valueFrom(variable.valueFrom, pod, objects, `${container.name}: ${variable.name}`)
      : expand(variable.value ?? '', defined);
    if (value !== undefined) defined[variable.name] = value;
  }
  return { ...imageEnv, ...defined };
}

function expand(value: string, defined: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name?: string) =>
    match === '$$' ? '$' : (defined[name!] ?? match),
  );
}

function valueFrom(source: IEnvVarSource, pod: PodFacts, objects: KubeObject[], where: string): string | undefined {
  if (source.fieldRef) {
    const fields: Record<string, string> = {
      'metadata.name': pod.name,
      'metadata.namespace': pod.namespace,
      'status.podIP': pod.ip,
    };
    const value = fields[source.fieldRef.fieldPath];
    if (value === undefined) throw new Error(`${where}: the test does not know fieldRef ${source.fieldRef.fieldPath}`);
    return value;
  }
  const ref = source.secretKeyRef ?? source.configMapKeyRef;
  if (!ref) throw new Error(`${where}: the test does not know this valueFrom: ${JSON.stringify(source)}`);
  const kind = source.secretKeyRef ? 'Secret' : 'ConfigMap';
  const value = dataOf(objects, kind, ref.name ?? '')?.[ref.key];
  if (value === undefined && !ref.optional) {
    throw new Error(`${where}: ${kind} ${ref.name} has no key ${ref.key}, so the pod would not start`);
  }
  return value;
}

function dataOf(objects: KubeObject[], kind: 'Secret' | 'ConfigMap', name: string): Record<string, string> | undefined {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) return undefined;
  const data = (found.data ?? {}) as Record<string, string>;
  const decoded =
    kind === 'Secret'
      ? Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])
      : Object.entries(data);
  return { ...Object.fromEntries(decoded), ...((found.stringData ?? {}) as Record<string, string>) };
}
