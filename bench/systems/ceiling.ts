import { fileURLToPath } from 'node:url';
import { freePort, waitUntilUp } from '../support/net.js';
import type { Resources, Service } from '../support/resources.js';

const APP = fileURLToPath(new URL('./ceiling-app.js', import.meta.url));

export interface Ceiling {
  readonly url: string;
  readonly service: Service;
}

/** Starts the bare express app (ceiling-app.ts) as its own process, on the node binary given (--node). */
export async function startCeiling(resources: Resources, nodeBinary: string): Promise<Ceiling> {
  const port = await freePort();
  const service = resources.start({
    name: 'ceiling',
    command: nodeBinary,
    args: [APP],
    env: { PATH: process.env.PATH ?? '', PORT: String(port), NODE_ENV: 'production' },
    ipc: true,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(service, `${url}/health`);
  return { url, service };
}
