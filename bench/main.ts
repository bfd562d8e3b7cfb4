/**
 * `npm run bench`: distributed-db beside etcd and beside a bare NestJS express app, on this
 * machine, with the same load generator, in one run. Prints one table and writes it as JSON.
 *
 * The run: every system the selected cases need up at once, the throughput cases in rounds, then
 * the size and listing cases once (lineup.ts); the memory stage on its own cluster; the report.
 *
 * Layout: options.ts (command line) → cases.ts (catalogue, selection) → schedule.ts (the order:
 * rounds, rotation) → lineup.ts (the run of the systems under test) → stages.ts (start one,
 * preload it) and measure.ts (one case once: load.ts + workloads.ts, listing.ts) → report.ts,
 * table.ts, targets.ts (pure: merging rounds, FAILED rules, ratios, formatting) → result.ts (the
 * JSON). systems/ starts the ceiling app, etcd and our cluster; support/resources.ts makes sure
 * all of it stops. memory.ts and profiling.ts are the optional stages.
 */
import type { PlannedCase } from './cases.js';
import { catalogue, selectCases } from './cases.js';
import { stopRunningLoad } from './load.js';
import { runLineup } from './lineup.js';
import { caseRow } from './measure.js';
import { formatMemory, type MemoryResult } from './memory-report.js';
import { gcOnSignalArgs, runMemoryStage } from './memory.js';
import { parseOptions, USAGE, UsageError, type BenchOptions } from './options.js';
import { formatSummary } from './profile-summary.js';
import type { ProfileResult } from './profiling.js';
import { withRatios } from './report.js';
import { writeResult, type Skipped } from './result.js';
import { schedule } from './schedule.js';
import { describeLoad, machineLoad } from './support/machine.js';
import { describeNodes, nodeRuntime, type NodeRuntime } from './support/node-runtime.js';
import { Resources } from './support/resources.js';
import { startDdbCluster } from './systems/ddb-cluster.js';
import { findEtcd } from './systems/etcd.js';
import { formatIdleCpu, formatTable } from './table.js';
import { checkTargets, formatTargets } from './targets.js';

const say = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
const stackOf = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

async function run(
  options: BenchOptions,
  selected: readonly PlannedCase[],
  servers: NodeRuntime,
  resources: Resources,
): Promise<number> {
  const started = new Date();
  const loadAtStart = machineLoad();
  const etcdBinary = findEtcd();
  const skipped: Skipped[] = [];
  if (!etcdBinary) {
    const reason = 'etcd is not installed (apt-get install -y etcd-server)';
    skipped.push(...selected.filter((c) => c.stage === 'etcd').map((c) => ({ id: c.spec.id, reason })));
    if (skipped.length > 0) say(`etcd: skipped: ${reason}`);
  }
  const measurable = selected.filter((c) => !skipped.some((s) => s.id === c.spec.id));
  const profileStamp = options.cpuProf ? started.toISOString().replace(/[:.]/g, '-') : null;
  const { measurements, preloads, etcdVersion, profile } = await runLineup(
    schedule(measurable, options.rounds),
    options,
    {
      resources,
      serversNode: servers.path,
      etcdBinary,
      profileStamp,
      say,
    },
  );

  let memory: MemoryResult | null = null;
  if (selected.some((c) => c.stage === 'memory')) {
    say(`memory: starting a cluster with REPLICATION_FACTOR=${options.memoryRf}`);
    const cluster = await startDdbCluster(resources, {
      rf: options.memoryRf,
      nodeBinary: servers.path,
      nodeArgs: gcOnSignalArgs,
    });
    memory = await runMemoryStage(
      cluster,
      {
        keys: options.memoryKeys,
        rf: options.memoryRf,
        valueBytes: options.valueBytes,
        connections: options.loadConnections,
      },
      say,
    );
    await cluster.stop();
  }

  const rows = withRatios(
    measurable.filter((c) => measurements.has(c.spec.id)).map((c) => caseRow(c, measurements.get(c.spec.id)!)),
  );
  const targets = checkTargets(rows);
  const finished = new Date();
  const file = writeResult(options, {
    started,
    finished,
    load: { atStart: loadAtStart, atEnd: machineLoad() },
    etcdVersion,
    serversNode: servers.version,
    rows,
    targets,
    skipped,
    preloads,
    memory,
    profile,
  });

  const out: string[] = rows.length > 0 ? ['', formatTable(rows)] : [];
  const idle = formatIdleCpu(rows);
  if (idle) out.push(idle);
  for (const s of skipped) out.push(`${s.id} skipped: ${s.reason}`);
  if (rows.length > 0) out.push('', formatTargets(targets));
  if (memory) out.push('', formatMemory(memory));
  if (profile) out.push(...formatProfile(profile));
  out.push(
    '',
    `machine: ${describeLoad(loadAtStart)} at the start, ${describeLoad(machineLoad())} at the end`,
    describeNodes(process.version, servers.version),
    `wrote ${file}`,
    '',
  );
  process.stdout.write(out.join('\n'));
  return rows.some((r) => r.status === 'FAILED') ? 3 : 0;
}

function formatProfile(profile: ProfileResult): string[] {
  const out: string[] = [];
  for (const [node, byCase] of Object.entries(profile.summaries)) {
    for (const [id, summary] of Object.entries(byCase)) {
      const over = summary.whole
        ? 'the whole profile: a measured run was outside it'
        : `its ${summary.windows} measured run${summary.windows === 1 ? '' : 's'}, warm-ups left out`;
      out.push('', `${node} CPU profile under ${id} (${over}):`, formatSummary(summary));
    }
    out.push(`profile: ${profile.files[node]}`);
  }
  return out;
}

async function main(): Promise<void> {
  let options;
  let selected: PlannedCase[];
  let servers: NodeRuntime;
  try {
    options = parseOptions(process.argv.slice(2));
    const all = catalogue(options);
    if (options.help) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (options.listCases) {
      for (const c of all) process.stdout.write(`${c.spec.id.padEnd(24)} ${c.tags.join(' ')}\n`);
      return;
    }
    selected = selectCases(all, options.only, options.skip);
    servers = await nodeRuntime(options.node, say);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      say(`failed: ${stackOf(error)}`);
      process.exitCode = 1;
    }
    return;
  }
  if (options.node.kind !== 'harness') {
    say(
      `our servers run on Node ${servers.version} (${servers.path}), the harness and its load generator on ${process.version}`,
    );
  }

  const resources = new Resources(
    (s) => say(`started ${s.name} (pid ${s.pid})`),
    (s, exit) =>
      say(
        `${s.name} (pid ${s.pid}) exited on its own (code ${exit.code}, signal ${exit.signal}); its last output:\n${s.tail()}`,
      ),
  );
  let stopping = false;
  const giveUp = (why: string, code: number): void => {
    if (stopping) {
      resources.releaseAllNow();
      process.exit(code);
    }
    stopping = true;
    say(`${why}: stopping everything the benchmark started`);
    stopRunningLoad();
    void resources.releaseAll().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => giveUp('got SIGINT', 130));
  process.on('SIGTERM', () => giveUp('got SIGTERM', 143));
  process.on('SIGHUP', () => giveUp('got SIGHUP', 129));
  process.on('exit', () => resources.releaseAllNow());
  try {
    process.exitCode = await run(options, selected, servers, resources);
  } catch (error) {
    if (stopping) return;
    say(`failed: ${stackOf(error)}`);
    process.exitCode = 1;
  } finally {
    if (!stopping) await resources.releaseAll();
  }
}

await main();
