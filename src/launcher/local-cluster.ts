/**
 * `npm start`: a whole cluster on this machine, for trying distributed-db out. One registry, three
 * storage nodes and a leader, each a child `node dist/main.js` with its own environment, started in
 * dependency order (each waits for the previous to answer /health), their output merged line by
 * line with a tag per node. Ctrl-C stops them all; a node that dies on its own is reported and the
 * rest keep running, so a failure can be demonstrated live.
 *
 * Layout: launcher-settings.ts (the environment), cluster-plan.ts (who runs where), cluster-secret.ts,
 * child-supervisor.ts + line-prefixer.ts (processes and their output), wait-for-health.ts, port-check.ts.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Role } from '../config/role.js';
import { ChildSupervisor, describeExit } from './child-supervisor.js';
import { planCluster, LOCAL_HOST, type NodePlan } from './cluster-plan.js';
import { loadOrCreateClusterSecret } from './cluster-secret.js';
import { LauncherError } from './launcher-error.js';
import { DEFAULT_BASE_PORT, PORT_SPAN, readLauncherSettings, type LauncherSettings } from './launcher-settings.js';
import { formatTag, TAG_COLOURS } from './line-prefixer.js';
import { firstPortInUse } from './port-check.js';
import { waitForHealth } from './wait-for-health.js';

const STOP_GRACE_MS = 5000;
const STARTUP_TIMEOUT_MS = 30_000;
const BOLD = 1;
const RED = 31;

async function main(): Promise<void> {
  const settings = readLauncherSettings(process.env, {
    cwd: process.cwd(),
    stdoutIsTty: process.stdout.isTTY === true,
  });
  const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));
  if (!existsSync(mainJs)) throw new LauncherError(`${mainJs} not found: build the app first (npm run build)`);

  const { secret, origin } = clusterSecret(settings);
  const plan = planCluster(settings, secret, settings.storageNodes);
  const busy = await firstPortInUse(
    plan.map((n) => n.port),
    LOCAL_HOST,
  );
  if (busy !== undefined) {
    throw new LauncherError(
      `port ${busy} on ${LOCAL_HOST} is already in use (is another local cluster running?); ` +
        `pick other ports with DDB_BASE_PORT, e.g. DDB_BASE_PORT=${otherBasePort(settings.basePort)} npm start`,
    );
  }

  const width = Math.max(...['launcher', ...plan.map((n) => n.name)].map((name) => name.length + 2));
  const paint = (text: string, colour: number): string =>
    settings.colour ? `\u001b[${colour}m${text}\u001b[0m` : text;
  const tag = formatTag('launcher', width, settings.colour ? BOLD : undefined);
  const say = (line: string): void => void process.stdout.write(`${tag}${line}\n`);
  const shout = (line: string): void => void process.stderr.write(`${tag}${paint(line, RED)}\n`);

  let up = false;
  const supervisor = new ChildSupervisor({
    stdout: process.stdout,
    stderr: process.stderr,
    onUnexpectedExit: (child, exit) => {
      // During startup the failure is reported (once) by startNode() instead.
      if (up)
        shout(
          `${child.name} exited unexpectedly (${describeExit(exit)}); the other nodes keep running. Ctrl-C stops the cluster.`,
        );
    },
  });

  let stopping = false;
  const stop = async (reason: string, exitCode: number): Promise<void> => {
    if (stopping) {
      say('stopping now: SIGKILL to every node still running');
      supervisor.killAll();
      return;
    }
    stopping = true;
    say(
      `${reason}: stopping all nodes (SIGTERM, leader first; SIGKILL after ${STOP_GRACE_MS / 1000} s, or at a second Ctrl-C)`,
    );
    // Reverse start order, so each node can still deregister from the registry on its way out.
    const stages = [Role.Leader, Role.Storage, Role.Registry].map((role) =>
      plan.filter((n) => n.role === role).map((n) => n.name),
    );
    const killed = await supervisor.stopAll(STOP_GRACE_MS, stages);
    if (killed.length > 0) shout(`${killed.join(', ')} did not stop in time and got SIGKILL`);
    say('all nodes stopped');
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(`got ${signal}`, 0));
  }

  const startNode = async (node: NodePlan, index: number): Promise<void> => {
    say(`starting ${node.name} on ${node.url}`);
    const colour = settings.colour ? TAG_COLOURS[index % TAG_COLOURS.length] : undefined;
    const child = supervisor.start({
      name: node.name,
      command: process.execPath,
      args: [mainJs],
      env: node.env,
      prefix: formatTag(node.name, width, colour),
    });
    const giveUp = new AbortController();
    try {
      const result = await Promise.race([
        waitForHealth(`${node.url}/health`, { timeoutMs: STARTUP_TIMEOUT_MS, signal: giveUp.signal }),
        child.exited,
      ]);
      if (typeof result === 'object') {
        throw new LauncherError(
          `${node.name} exited while starting (${describeExit(result)}); its output above says why`,
        );
      }
    } catch (error) {
      throw error instanceof LauncherError
        ? error
        : new LauncherError(`${node.name} did not come up: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      giveUp.abort();
    }
  };

  say(`data in ${settings.dataDir}; cluster secret ${origin}`);
  try {
    // Registry first (everyone registers with it), then the storage nodes, then the leader that uses them.
    for (const role of [Role.Registry, Role.Storage, Role.Leader]) {
      await Promise.all(
        plan
          .map((node, i) => [node, i] as const)
          .filter(([n]) => n.role === role)
          .map(([n, i]) => startNode(n, i)),
      );
      if (stopping) return;
    }
  } catch (error) {
    if (stopping) return; // a Ctrl-C during startup: stop() is already on it
    shout(error instanceof Error ? error.message : String(error));
    await stop('startup failed', 1);
    return;
  }
  up = true;
  printSummary(settings, plan, paint);
}

/** Another base port, for the hint when ours are taken. */
function otherBasePort(base: number): number {
  return base + 10 + PORT_SPAN <= 65535 ? base + 10 : 2000;
}

function clusterSecret(settings: LauncherSettings): { secret: string; origin: string } {
  if (settings.clusterSecret) return { secret: settings.clusterSecret, origin: 'from CLUSTER_SECRET' };
  const { secret, file, created } = loadOrCreateClusterSecret(settings.dataDir);
  const shown = relative(process.cwd(), file) || file;
  return { secret, origin: created ? `generated in ${shown}` : `reused from ${shown}` };
}

function printSummary(
  settings: LauncherSettings,
  plan: readonly NodePlan[],
  paint: (text: string, colour: number) => string,
): void {
  const leader = plan.find((n) => n.role === Role.Leader);
  const storage = plan.filter((n) => n.role === Role.Storage).length;
  if (!leader) return;
  const lines = [
    '',
    paint(`  distributed-db local cluster is up: 1 registry, ${storage} storage nodes, 1 leader`, BOLD),
    `    leader      ${leader.url}`,
    `    Swagger UI  ${leader.url}/docs`,
    `    data dir    ${settings.dataDir}`,
    '  try: npx ddb put hello world && npx ddb get hello',
    ...(settings.basePort === DEFAULT_BASE_PORT
      ? []
      : [`       (the leader is at ${leader.url}, not the default port ${DEFAULT_BASE_PORT})`]),
    '  Ctrl-C stops the cluster.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  const message =
    error instanceof LauncherError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`local cluster: ${message}\n`);
  process.exit(1);
});
