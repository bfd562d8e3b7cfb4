/**
 * The memory stage: load N keys through the leader's public API and read the leader's and the
 * storage nodes' resident memory (and the storage nodes' disk use) at 0, N/10, N/2 and N keys.
 * The leader holds no per-key state, so its RSS must stay flat while the storage nodes' grows.
 * Right after a load a heap still holds garbage that V8 returns once the process is idle, so each
 * point is every process's lowest RSS over SETTLE_SECONDS of idle, sampled once a second. RSS also
 * keeps heap V8 grew under load and has not given back, so the leader's heap in use (from its
 * /metrics) is read too, each time right after a full garbage collection (gc-on-signal.ts): that
 * is what per-key state would make grow.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { leaderBytesPerKey, type MemoryPoint, type MemoryResult } from './memory-report.js';
import { loadKeys } from './preload.js';
import type { Service } from './support/resources.js';
import type { DdbCluster } from './systems/ddb-cluster.js';
import { formatMB, formatRate } from './table.js';
import { kvDialect, valueOf } from './workloads.js';

const SETTLE_SECONDS = 10;

/** Node flags for the memory stage's leader: SIGUSR2 collects its garbage (support/gc-on-signal.ts). */
export function gcOnSignalArgs(node: string): string[] {
  if (node !== 'leader') return [];
  const preload = join(dirname(fileURLToPath(import.meta.url)), 'support', 'gc-on-signal.js');
  return ['--expose-gc', '--import', preload];
}

/** VmRSS of a process, in bytes (Linux /proc). */
export function rssOf(service: Service): number {
  const status = readFileSync(`/proc/${service.pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for ${service.name} (pid ${service.pid})`);
  return Number(kb) * 1024;
}

/** The leader's V8 heap in use, from its Prometheus metrics. */
async function heapUsedOf(cluster: DdbCluster): Promise<number> {
  const res = await fetch(`${cluster.leaderUrl}/metrics`, {
    headers: { authorization: `Bearer ${cluster.clusterSecret}` },
  });
  const text = await res.text();
  const value = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text)?.[1];
  if (!res.ok || value === undefined)
    throw new Error(`no nodejs_heap_size_used_bytes in the leader's /metrics (${res.status})`);
  return Number(value);
}

/** Bytes of disk the files under dir occupy (allocated blocks, as du counts them). */
function diskUse(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? diskUse(path) : statSync(path).blocks * 512;
  }
  return total;
}

export async function runMemoryStage(
  cluster: DdbCluster,
  options: { keys: number; rf: number; valueBytes: number; connections: number },
  say: (line: string) => void,
): Promise<MemoryResult> {
  const checkpoints = [...new Set([0, Math.round(options.keys / 10), Math.round(options.keys / 2), options.keys])];
  const point = async (keys: number): Promise<MemoryPoint> => {
    const pid = cluster.leader.pid;
    if (pid !== undefined) process.kill(pid, 'SIGUSR2');
    await sleep(200);
    return {
      keys,
      leaderRssBytes: rssOf(cluster.leader),
      leaderHeapUsedBytes: await heapUsedOf(cluster),
      storageRssBytes: cluster.storage.map(rssOf),
      storageDiskBytes: cluster.storage.map((s) => diskUse(join(cluster.dataDir, s.name))),
    };
  };
  const settled = async (keys: number): Promise<MemoryPoint> => {
    let best = await point(keys);
    for (let i = 0; i < SETTLE_SECONDS; i++) {
      await sleep(1000);
      const next = await point(keys);
      best = {
        keys,
        leaderRssBytes: Math.min(best.leaderRssBytes, next.leaderRssBytes),
        leaderHeapUsedBytes: Math.min(best.leaderHeapUsedBytes, next.leaderHeapUsedBytes),
        storageRssBytes: best.storageRssBytes.map((rss, n) => Math.min(rss, next.storageRssBytes[n])),
        storageDiskBytes: next.storageDiskBytes,
      };
    }
    return best;
  };
  const points: MemoryPoint[] = [];
  const value = valueOf(options.valueBytes);
  let seconds = 0;
  let retried = 0;
  let from = 0;
  let lastSaid = performance.now();
  for (const target of checkpoints) {
    if (target > from) {
      const segmentStarted = performance.now();
      const report = await loadKeys(cluster.leaderUrl, kvDialect, (i) => `m/${i}`, { from, to: target }, value, {
        connections: options.connections,
        onProgress: (done) => {
          const now = performance.now();
          if (now - lastSaid < 10_000) return;
          lastSaid = now;
          const written = from + done;
          // Loading time only: the settling pauses between checkpoints do not count.
          const rate = written / (seconds + (now - segmentStarted) / 1000);
          const eta = (options.keys - written) / rate;
          say(
            `memory: ${written.toLocaleString('en-US')} / ${options.keys.toLocaleString('en-US')} keys, ${formatRate(rate)}/s, about ${Math.ceil(eta / 60)} min to go`,
          );
        },
      });
      seconds += report.seconds;
      retried += report.retried;
      from = target;
    }
    const measured = await settled(target);
    points.push(measured);
    say(
      `memory: ${target.toLocaleString('en-US')} keys loaded; RSS MB: leader ${formatMB(measured.leaderRssBytes)} ` +
        `(heap in use ${formatMB(measured.leaderHeapUsedBytes)}), ` +
        `storage ${measured.storageRssBytes.map(formatMB).join(' / ')}`,
    );
  }
  return {
    rf: options.rf,
    keys: options.keys,
    valueBytes: options.valueBytes,
    loadConnections: options.connections,
    loadSeconds: seconds,
    loadPerSecond: seconds > 0 ? options.keys / seconds : 0,
    retried,
    points,
    leaderBytesPerKey: leaderBytesPerKey(points),
    leaderHeapBytesPerKey: leaderBytesPerKey(points, (p) => p.leaderHeapUsedBytes),
  };
}
