import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitForHealth } from './wait-for-health.js';

describe(waitForHealth.name, () => {
  let server: Server;
  let status: number;
  let url: string;

  beforeEach(async () => {
    status = 503;
    server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('resolves once the node starts answering 200', async () => {
    setTimeout(() => (status = 200), 150);
    await expect(waitForHealth(url, { timeoutMs: 5000, intervalMs: 20 })).resolves.toBe(true);
  });

  it('gives up at the deadline and says what it last saw', async () => {
    await expect(waitForHealth(url, { timeoutMs: 200, intervalMs: 20 })).rejects.toThrow(
      /did not answer 200 within 0.2 s \(last: status 503\)/,
    );
  });

  it('names the connection error when nothing listens', async () => {
    await new Promise((resolve) => server.close(resolve));
    server = createServer(); // so afterEach has something to close
    server.listen(0);
    await expect(waitForHealth(url, { timeoutMs: 100, intervalMs: 20 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stops polling, without an error, when the caller aborts', async () => {
    const giveUp = new AbortController();
    setTimeout(() => giveUp.abort(), 100);
    await expect(waitForHealth(url, { timeoutMs: 5000, intervalMs: 20, signal: giveUp.signal })).resolves.toBe(false);
  });
});
