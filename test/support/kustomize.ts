import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';

/**
 * Renders a kustomize directory into Kubernetes objects: with `kubectl kustomize` where kubectl is
 * installed, and by hand where it is not (a CI machine may have no kubectl). The hand assembly knows
 * only the kustomization fields deploy/kubernetes uses and refuses any other, so it cannot quietly
 * render something else; where kubectl exists the manifest test also checks both give the same.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Generator {
  name: string;
  literals?: string[];
  envs?: string[];
}

interface Kustomization {
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
}

const HANDLED = new Set(['apiVersion', 'kind', 'resources', 'images', 'configMapGenerator', 'secretGenerator']);
const HANDLED_IN_GENERATOR = new Set(['name', 'literals', 'envs']);

export function kubectlAvailable(): boolean {
  const result = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return result.error === undefined && result.status === 0;
}

export function renderWithKubectl(dir: string): KubeObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  const objects = parseDocuments(result.stdout);
  // kustomize wraps long base64 Secret values over lines; the API server's decoder skips the line
  // breaks, the schema's "byte" format does not. Unwrap them as the server would read them.
  for (const secret of objects.filter((o) => o.kind === 'Secret')) {
    const data = (secret.data ?? {}) as Record<string, string>;
    for (const key of Object.keys(data)) data[key] = data[key]!.replace(/\s+/g, '');
  }
  return objects;
}

export function renderByHand(dir: string): KubeObject[] {
  const kustomization = readKustomization(dir);
  const objects = (kustomization.resources ?? []).flatMap((file) => parseDocuments(readFileSync(join(dir, file), 'utf8')));
  for (const object of objects) setImages(object, kustomization.images ?? []);
  for (const generator of kustomization.configMapGenerator ?? []) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generator.name },
      data: generatedData(dir, generator),
    });
  }
  for (const generator of kustomization.secretGenerator ?? []) {
    const data = Object.fromEntries(
      Object.entries(generatedData(dir, generator)).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    );
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: generator.name }, type: 'Opaque', data });
  }
  return objects;
}

export function readKustomization(dir: string): Kustomization {
  const kustomization = load(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  const unknown = Object.keys(kustomization).filter((key) => !HANDLED.has(key));
  const generators = [...asArray(kustomization.configMapGenerator), ...asArray(kustomization.secretGenerator)];
  unknown.push(...generators.flatMap((g) => Object.keys(g as object).filter((key) => !HANDLED_IN_GENERATOR.has(key))));
  if (unknown.length > 0) throw new Error(`the hand-made kustomize does not implement: ${unknown.join(', ')}`);
  return kustomization as Kustomization;
}

/**
 * kustomize appends a hash of the content to a generated ConfigMap's or Secret's name, and to every
 * reference to it; this takes the hash off again so two renderings can be compared.
 */
export function withoutNameHashes(objects: KubeObject[], generatedNames: string[]): KubeObject[] {
  let json = JSON.stringify(objects);
  for (const name of generatedNames) json = json.replace(new RegExp(`"${name}-[a-z0-9]{10}"`, 'g'), `"${name}"`);
  return JSON.parse(json) as KubeObject[];
}

function parseDocuments(yaml: string): KubeObject[] {
  return loadAll(yaml).filter((doc) => doc !== null && doc !== undefined) as KubeObject[];
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `images:` rewrites every container image whose name (without tag) is the entry's name. */
function setImages(object: KubeObject, images: NonNullable<Kustomization['images']>): void {
  const pod = (object.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
  const containers = [...asArray(pod?.containers), ...asArray(pod?.initContainers)] as { image?: string }[];
  for (const container of containers) {
    const [name, tag] = splitImage(container.image ?? '');
    const entry = images.find((image) => image.name === name);
    if (!entry) continue;
    const newTag = entry.newTag ?? tag;
    container.image = `${entry.newName ?? name}${newTag ? `:${newTag}` : ''}`;
  }
}

function splitImage(image: string): [string, string | undefined] {
  const colon = image.lastIndexOf(':');
  // A colon before the last slash belongs to a registry's port (registry:5000/name), not a tag.
  return colon > image.lastIndexOf('/') ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

/** KEY=value pairs from `literals` and from `envs` files (blank lines and # comments skipped). */
function generatedData(dir: string, generator: Generator): Record<string, string> {
  const lines = [
    ...(generator.literals ?? []),
    ...(generator.envs ?? []).flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .map((line) => line.trimStart())
        .filter((line) => line !== '' && !line.startsWith('#')),
    ),
  ];
  const data: Record<string, string> = {};
  for (const line of lines) {
    const equals = line.indexOf('=');
    // kustomize would take a bare KEY from its own environment: not something a test should depend on.
    if (equals < 1) throw new Error(`${generator.name}: "${line}" is not KEY=value`);
    data[line.slice(0, equals)] = unquote(line.slice(equals + 1));
  }
  return data;
}

function unquote(value: string): string {
  return /^(".*"|'.*')$/.test(value) ? value.slice(1, -1) : value;
}
