/** The JSON the run writes (bench/results/latest.json unless --out): the table plus its context. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { CaseRow } from './measure.js';
import type { MemoryResult } from './memory-report.js';
import type { BenchOptions } from './options.js';
import type { ProfileResult } from './profiling.js';
import type { Ratios } from './report.js';
import type { MachineLoad } from './support/machine.js';
import type { PreloadRecord } from './stages.js';
import type { TargetCheck } from './targets.js';

export interface Skipped {
  readonly id: string;
  readonly reason: string;
}

export interface RunRecord {
  readonly started: Date;
  readonly finished: Date;
  readonly load: { atStart: MachineLoad; atEnd: MachineLoad };
  readonly etcdVersion: string | null;
  /** The Node.js version our servers ran on (--node); the harness's is `process.version`. */
  readonly serversNode: string;
  /** Each row with its CPU per process, the idle systems' CPU and how busy the machine was when it started. */
  readonly rows: readonly (CaseRow & Ratios)[];
  readonly targets: readonly TargetCheck[];
  readonly skipped: readonly Skipped[];
  readonly preloads: readonly PreloadRecord[];
  readonly memory: MemoryResult | null;
  readonly profile: ProfileResult | null;
}

/** Writes the record as JSON and answers the file's path. */
export function writeResult(options: BenchOptions, run: RunRecord): string {
  const file = resolve(options.out);
  const json = {
    // 2: throughput cases in rounds (`rounds` per case, settings.seconds per round), idleCpuMs.
    format: 'distributed-db-bench/2',
    date: run.started.toISOString(),
    durationSeconds: Math.round((run.finished.getTime() - run.started.getTime()) / 1000),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryMB: Math.round(totalmem() / 1024 / 1024),
      node: process.version,
      serversNode: run.serversNode,
      platform: `${process.platform} ${process.arch}`,
      load: run.load,
    },
    etcd: run.etcdVersion,
    settings: {
      quick: options.quick,
      rounds: options.rounds,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      connections: options.connections,
      timeoutSeconds: options.timeoutSeconds,
      keys: options.keys,
      valueBytes: options.valueBytes,
      sizes: options.sizes,
      sizeSeconds: options.sizeSeconds,
      sizeWarmupSeconds: options.sizeWarmupSeconds,
      sizeConnections: options.sizeConnections,
      listRepeats: options.listRepeats,
      loadConnections: options.loadConnections,
    },
    cases: run.rows,
    targets: run.targets,
    skipped: run.skipped,
    preloads: run.preloads,
    memory: run.memory,
    profile: run.profile,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}
