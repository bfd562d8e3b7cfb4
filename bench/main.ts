/**
 * `npm run bench`: distributed-db beside etcd and beside a bare NestJS express app, on this
 * machine, with the same load generator, in one run. Prints one table and writes it as JSON.
 *
 * Layout: options.ts (command line) → cases.ts (catalogue, selection) → stages.ts (per system:
 * preload.ts, load.ts + workloads.ts, listing.ts) → report.ts + table.ts (pure: FAILED rules,
 * ratios, formatting) → result.ts (the JSON). systems/ starts the ceiling app, etcd and our
 * cluster; support/resources.ts makes sure all of it stops. memory.ts and profiling.ts are the
 * optional stages.
 */
import type { PlannedCase, Stage } from './cases.js';
import { catalogue, selectCases } from './cases.js';
import { formatMemory } from './memory-report.js';
import { gcOnSignalArgs, runMemoryStage } from './memory.js';
import { parseOptions, USAGE, UsageError, type BenchOptions } from './options.js';
import { formatSummary } from './profile-summary.js';
import { profileFlags, summariseRun, type ProfileResult } from './profiling.js';
import { withRatios } from './report.js';
import { writeResult, type Skipped } from './result.js';
import { runStage, type PreloadRecord, type StageOutput } from './stages.js';
import { stopRunningLoad } from './load.js';
import { describeLoad, machineLoad } from './support/machine.js';
import { describeNodes, nodeRuntime, type NodeRuntime } from './support/node-runtime.js';
import { Resources } from './support/resources.js';
import { startCeiling } from './systems/ceiling.js';
import { startDdbCluster } from './systems/ddb-cluster.js';
import { findEtcd, startEtcd } from './systems/etcd.js';
import { formatTable } from './table.js';
import { checkTargets, formatTargets } from './targets.js';
import { etcdDialect, kvDialect } from './workloads.js';
import type { MemoryResult } from './memory-report.js';

const PROFILED = ['ddb-get-rf3', 'ddb-put-rf3'];
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
  const results: StageOutput['results'] = [];
  const preloads: PreloadRecord[] = [];
  const skipped: Skipped[] = [];
  let etcdVersion: string | null = null;
  let memory: MemoryResult | null = null;
  let profile: ProfileResult | null = null;
  const casesOf = (stage: Stage) => selected.filter((c) => c.stage === stage);
  const keep = (output: StageOutput): void => {
    results.push(...output.results);
    preloads.push(...output.preloads);
  };

  if (casesOf('ceiling').length > 0) {
    say('ceiling: starting the bare NestJS express app');
    const ceiling = await startCeiling(resources, servers.path);
    keep(
      await runStage(
        { stage: 'ceiling', url: ceiling.url, dialect: kvDialect, services: [ceiling.service] },
        casesOf('ceiling'),
        options,
        say,
      ),
    );
    await resources.stop(ceiling.service);
  }

  if (casesOf('etcd').length > 0) {
    const binary = findEtcd();
    if (!binary) {
      const reason = 'etcd is not installed (apt-get install -y etcd-server)';
      say(`etcd: skipped: ${reason}`);
      skipped.push(...casesOf('etcd').map((c) => ({ id: c.spec.id, reason })));
    } else {
      const etcd = await startEtcd(resources, binary);
      etcdVersion = etcd.version;
      say(`etcd: ${etcd.version} up on ${etcd.url}`);
      keep(
        await runStage(
          { stage: 'etcd', url: etcd.url, dialect: etcdDialect, services: [etcd.service] },
          casesOf('etcd'),
          options,
          say,
        ),
      );
      await resources.stop(etcd.service);
    }
  }

  for (const stage of ['rf1', 'rf3'] as const) {
    if (casesOf(stage).length === 0) continue;
    const rf = stage === 'rf1' ? 1 : 3;
    const profiled =
      options.cpuProf && stage === 'rf3' ? profileFlags(started.toISOString().replace(/[:.]/g, '-')) : null;
    say(
      `${stage}: starting 1 registry, 3 storage nodes and a leader with REPLICATION_FACTOR=${rf}${profiled ? ' (leader and storage-1 under --cpu-prof)' : ''}`,
    );
    const cluster = await startDdbCluster(resources, { rf, nodeBinary: servers.path, nodeArgs: profiled?.argsFor });
    const output = await runStage(
      {
        stage,
        url: cluster.leaderUrl,
        dialect: kvDialect,
        services: [cluster.leader, ...cluster.storage, cluster.registry],
      },
      casesOf(stage),
      options,
      say,
    );
    keep(output);
    await cluster.stop();
    if (profiled) profile = summariseRun(profiled.dir, output.windows, PROFILED);
  }

  if (casesOf('memory').length > 0) {
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

  const rows = withRatios(results).map((row, i) => ({
    ...row,
    cpuMsPerRequestBy: results[i].cpuMsPerRequestBy,
    machine: results[i].machine,
  }));
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
  for (const s of skipped) out.push(`${s.id} skipped: ${s.reason}`);
  if (rows.length > 0) out.push('', formatTargets(targets));
  if (memory) out.push('', formatMemory(memory));
  if (profile) {
    for (const [node, byCase] of Object.entries(profile.summaries)) {
      for (const [id, summary] of Object.entries(byCase)) {
        const whole = summary.whole ? ' (whole profile: the window was outside it)' : '';
        out.push('', `${node} CPU profile under ${id}${whole}:`, formatSummary(summary));
      }
      out.push(`profile: ${profile.files[node]}`);
    }
  }
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
