import type { KubeObject } from './kustomize.js';

interface Model {
  validate(): void;
}

/**
 * Validates an object against the OpenAPI schema of its apiVersion and kind, with the class
 * kubernetes-models generates for it (apps/v1 Deployment → kubernetes-models/apps/v1's Deployment).
 * Throws when the object breaks the schema, or when there is no such kind in that API version.
 */
export async function validateKubeObject(object: KubeObject): Promise<void> {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : [undefined, object.apiVersion];
  const module = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  const models = (await import(module)) as Record<string, unknown>;
  const ModelClass = models[object.kind] as (new (data: unknown) => Model) | undefined;
  if (typeof ModelClass !== 'function') throw new Error(`${module} has no kind ${object.kind}`);
  new ModelClass(object).validate();
}
