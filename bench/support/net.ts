import { waitForHealth } from '../../src/launcher/wait-for-health.js';
import type { Service } from './resources.js';

export { freePort } from '../../test/support/cluster.js';

/** Resolves once `url` answers 200; rejects with the service's last output if it exits first or never answers. */
export async function waitUntilUp(service: Service, url: string, timeoutMs = 30_000): Promise<void> {
  const giveUp = new AbortController();
  try {
    const outcome = await Promise.race([waitForHealth(url, { timeoutMs, signal: giveUp.signal }), service.exited]);
    if (typeof outcome === 'object') {
      throw new Error(`${service.name} exited while starting (code ${outcome.code}, signal ${outcome.signal}):\n${service.tail()}`);
    }
  } catch (error) {
    if (error instanceof Error && !error.message.includes('exited while starting')) {
      error.message = `${service.name} did not come up: ${error.message}\n${service.tail()}`;
    }
    throw error;
  } finally {
    giveUp.abort();
  }
}
