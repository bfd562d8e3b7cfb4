/**
 * A probe, not a benchmark case: what one HTTP request costs a bare node:http server (no Nest, no
 * work) at different request rates, in CPU time of the server process per request. On a machine
 * where waking an idle process is expensive (a small VM), the cost per request falls steeply as
 * the rate rises, because a busy process handles the next request without going to sleep.
 * That is the cost a design with several processes on the path of every request pays per hop
 * (bench/README.md, "Where the time goes").
 *
 *   node bench/dist/bench/probes/wakeup-cost.js [--seconds 3] [--rates 200,500,1000,2000,4000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { cpuMsOf } from '../support/cpu.js';
import { sendPaced } from '../support/paced.js';

const BODY = JSON.stringify({ value: 'x'.repeat(100) });

/** The child: answers every request with a small JSON body, and says its port. */
function serve(): void {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
      res.end(BODY);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send!(typeof address === 'object' && address ? address.port : 0);
  });
  process.on('disconnect', () => process.exit(0));
}

/** Sends `rate` GETs per second for `seconds`, answers how many went out. */
function drive(pool: Pool, rate: number, seconds: number): Promise<number> {
  return sendPaced(rate, seconds, () =>
    pool.request({ method: 'GET', path: '/' }).then((answer) => answer.body.dump()),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, rates: { type: 'string' } } });
  const seconds = Number(values.seconds ?? 3);
  const rates = (values.rates ?? '200,500,1000,2000,4000').split(',').map(Number);
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ['--serve'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 8 });
  try {
    await drive(pool, 500, 1); // warm-up: JIT, connections
    console.log('rate (req/s)  sent  server CPU µs per request');
    for (const rate of rates) {
      const before = cpuMsOf([child.pid]);
      const sent = await drive(pool, rate, seconds);
      const usPerRequest = ((cpuMsOf([child.pid]) - before) * 1000) / sent;
      console.log(`${String(rate).padStart(12)}  ${String(sent).padStart(5)}  ${usPerRequest.toFixed(0).padStart(6)}`);
    }
  } finally {
    await pool.close();
    child.disconnect();
  }
}

if (process.argv.includes('--serve')) serve();
else await main();
