/**
 * A probe, not a benchmark case: what one batch of ops costs a storage node, driven directly at a
 * fixed rate the way the leader drives it (POST /internal/ops over an undici Pool). It starts a
 * cluster at RF=3 (so every storage node holds every partition), writes the keys through the
 * leader, then sends storage-1 batches of `--batch` puts (100-byte values, higher revisions than
 * the leader issued) or gets at `--rate` batches per second, and reads from /proc the node's CPU
 * time and its threads' voluntary context switches (how often a thread went to sleep and had to
 * be woken) per batch. The leader sits idle meanwhile. The cluster runs with the app's default
 * PARTITIONS, as the benchmark's do.
 *
 *   node bench/dist/bench/probes/storage-batches.js [--batch 15] [--rate 300] [--seconds 5] [--ops put|get]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { partitionOf } from '../../src/common/hash.js';
import { DEFAULTS } from '../../src/config/app-config.js';
import { loadKeys } from '../preload.js';
import { cpuMsOf } from '../support/cpu.js';
import { sendPaced } from '../support/paced.js';
import { Resources } from '../support/resources.js';
import { startDdbCluster } from '../systems/ddb-cluster.js';
import { kvDialect } from '../workloads.js';

const KEYS = 2000;
const VALUE = 'x'.repeat(100);

/** Voluntary context switches of all the process's threads so far. */
function voluntarySwitches(pid: number): number {
  let switches = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    switches += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return switches;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      batch: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      ops: { type: 'string' },
    },
  });
  const batch = Number(values.batch ?? 15);
  const rate = Number(values.rate ?? 300);
  const seconds = Number(values.seconds ?? 5);
  const kind = values.ops === 'get' ? 'get' : 'put';

  const resources = new Resources();
  const cluster = await startDdbCluster(resources, { rf: 3, nodeBinary: process.execPath });
  const node = cluster.storage[0];
  const view = (await (await fetch(`${cluster.leaderUrl}/cluster`)).json()) as { nodes: { id: string; url: string }[] };
  const url = view.nodes.find((n) => n.id === 'bench-storage-1')?.url;
  if (!url) throw new Error('the leader does not list bench-storage-1');
  const pool = new Pool(url, { connections: 4 });
  try {
    await loadKeys(cluster.leaderUrl, kvDialect, (i) => `k/${i}`, { from: 0, to: KEYS }, VALUE, { connections: 16 });
    // Above every revision the leader issued: each put is applied, as the leader's are.
    let revision = Date.now() * 1000;
    const headers = { authorization: `Bearer ${cluster.clusterSecret}`, 'content-type': 'application/json' };
    const send = async (): Promise<void> => {
      const ops = Array.from({ length: batch }, () => {
        const key = `k/${Math.floor(Math.random() * KEYS)}`;
        const partition = partitionOf(key, DEFAULTS.partitions);
        return kind === 'put'
          ? { type: 'put', partition, key, value: VALUE, revision: ++revision }
          : { type: 'get', partition, key };
      });
      const answer = await pool.request({
        method: 'POST',
        path: '/internal/ops',
        headers,
        body: JSON.stringify({ ops }),
      });
      const text = await answer.body.text();
      if (answer.statusCode !== 200 || text.includes('"error"')) throw new Error(`${answer.statusCode}: ${text}`);
    };

    const cpuBefore = cpuMsOf([node.pid]);
    const switchesBefore = voluntarySwitches(node.pid!);
    const sent = await sendPaced(rate, seconds, send);
    const cpuMs = cpuMsOf([node.pid]) - cpuBefore;
    const switches = voluntarySwitches(node.pid!) - switchesBefore;
    console.log(
      `storage-1, ${sent} batches of ${batch} ${kind}s at ${rate}/s: ` +
        `${((cpuMs * 1000) / sent).toFixed(0)} µs of CPU per batch (${((cpuMs * 1000) / sent / batch).toFixed(1)} per op), ` +
        `${(switches / sent).toFixed(1)} voluntary context switches per batch`,
    );
  } finally {
    await pool.close();
    await cluster.stop();
  }
}

await main();
