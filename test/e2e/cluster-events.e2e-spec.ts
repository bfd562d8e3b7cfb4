import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shutdown } from '../../src/bootstrap.js';
import { SseParser, type SseMessage } from '../../src/dashboard/sse-parser.js';
import { startCluster, type TestCluster } from '../support/leader-cluster.js';
import { waitFor } from '../support/poll.js';

const TOKEN = 'leader-api-token-0123';

/** Reads a live event stream into `messages` until the server ends it. */
async function readStream(url: string, headers: Record<string, string>, messages: SseMessage[]): Promise<void> {
  const res = await fetch(url, { headers });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const chunk of res.body) messages.push(...parser.push(decoder.decode(chunk, { stream: true })));
}

describe('GET /cluster/events (e2e)', () => {
  let cluster: TestCluster;
  let base: string;

  beforeAll(async () => {
    cluster = await startCluster({ storageIds: ['s1', 's2'], leaderEnv: { API_TOKEN: TOKEN, SHUTDOWN_TIMEOUT_MS: '20000' } });
    const server = cluster.leader.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await cluster.close();
  });

  it('needs the API token, like /cluster', async () => {
    const res = await fetch(`${base}/cluster/events`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/API token/);
  });

  it('serves the dashboard page and its assets without the token (they hold no data)', async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
  });

  it('sends the /cluster view first, then a new snapshot and an event when a node goes DOWN; shutdown ends the stream at once', async () => {
    const messages: SseMessage[] = [];
    const reading = readStream(`${base}/cluster/events`, { Authorization: `Bearer ${TOKEN}` }, messages);
    const first = await waitFor('the first snapshot', () => messages[0]);
    expect(first.event).toBe('snapshot');
    expect(JSON.parse(first.data)).toMatchObject({ partitionCount: 64, leader: { ready: true } });

    cluster.registry.setStatus('s2', 'DOWN');
    const event = await waitFor('a node-down event', () =>
      messages.filter((m) => m.event === 'event').map((m) => JSON.parse(m.data) as { kind: string; message: string }).find((e) => e.kind === 'node-down'),
      { timeoutMs: 5000 },
    );
    expect(event.message).toBe('s2 is DOWN');
    const last = messages.filter((m) => m.event === 'snapshot').at(-1)!;
    expect((JSON.parse(last.data) as { nodes: { id: string; status: string }[] }).nodes.find((n) => n.id === 's2')?.status).toBe('DOWN');

    // An open stream must not hold graceful shutdown up until SHUTDOWN_TIMEOUT_MS (20 s here).
    const started = Date.now();
    await shutdown(cluster.leader.app, cluster.leader.config);
    await reading;
    expect(Date.now() - started).toBeLessThan(5000);
    cluster.leader = { ...cluster.leader, close: async () => undefined }; // shutdown() closed the app already
  }, 30_000);
});
