import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULTS } from '../../src/config/app-config.js';
import type { ClusterViewDto } from '../../src/leader/dto/cluster.dto.js';
import type { KeyValueDto, ListResultDto, PutResultDto } from '../../src/leader/dto/kv.dto.js';
import { freePort } from '../support/cluster.js';
import { call, inPool, keyPath } from '../support/kv-http.js';
import { waitFor } from '../support/poll.js';
import { ComposeProject, exec, execOk } from './compose-project.js';

/**
 * The shipped Dockerfile and docker-compose.yml, run for real: podman builds the image, and
 * podman-compose starts the cluster a user gets from `docker compose up` (registry, leader, three
 * storage nodes with named volumes). Run through `npm run test:containers`, which configures podman
 * for this machine, passes a local base image (DDB_NODE_IMAGE) and removes the project even when
 * this file is killed (scripts/containers/).
 */
const IMAGE = 'localhost/distributed-db:containers-test';
const SERVICES = ['registry', 'storage-1', 'storage-2', 'storage-3', 'leader'];
const STORAGE = SERVICES.filter((s) => s.startsWith('storage-'));
const KEYS = Array.from({ length: 40 }, (_, i) => `containers/key-${i}`);
const VALUES = new Map(KEYS.map((k) => [k, `${k}=${randomBytes(6).toString('hex')}`]));

const project = new ComposeProject(process.env.DDB_COMPOSE_PROJECT ?? `ddb-ct-${process.pid}`, {
  CLUSTER_SECRET: randomBytes(24).toString('hex'),
  DDB_IMAGE: IMAGE,
});
let leader = '';

function note(message: string): void {
  process.stdout.write(`[containers] ${message}\n`);
}

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  note(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** Builds the project's Dockerfile as a user would, with the base and npm cache this machine needs. */
async function buildImage(): Promise<void> {
  const base = process.env.DDB_NODE_IMAGE;
  const before = await exec('podman', ['image', 'inspect', '--format', '{{.Id}}', IMAGE]);
  await execOk('podman', [
    'build',
    // docker format: the OCI format has no HEALTHCHECK and podman would drop it.
    '--format', 'docker',
    // No intermediate images: nothing is left behind but the image itself.
    '--layers=false',
    ...(base ? ['--build-arg', `NODE_IMAGE=${base}`] : []),
    ...npmCacheVolumes(),
    '--tag', IMAGE,
    '.',
  ]);
  if (before.code === 0) await exec('podman', ['rmi', before.stdout.trim()]); // the previous run's image
}

/** This machine's npm cache, through an overlay, and an npmrc for it (see test-containers.sh). */
function npmCacheVolumes(): string[] {
  const { DDB_NPM_CACHE: cache, DDB_NPMRC: npmrc } = process.env;
  return cache && npmrc ? ['--volume', `${cache}:/root/.npm:O`, '--volume', `${npmrc}:/root/.npmrc:ro`] : [];
}

async function cluster(): Promise<ClusterViewDto> {
  const { status, body } = await call<ClusterViewDto>(leader, 'GET', '/cluster');
  if (status !== 200) throw new Error(`GET /cluster: ${status} ${JSON.stringify(body)}`);
  return body;
}

function nodeIn(view: ClusterViewDto, id: string) {
  return view.nodes.find((n) => n.id === id);
}

/** Run by node inside the image: who the app runs as, and which packages of package.json it holds. */
/**
 * The devDependencies that nothing in production needs (package-lock marks them `dev`): a
 * devDependency that a production package also depends on (js-yaml, via @nestjs/swagger) rightly
 * stays in the image.
 */
function devOnlyPackages(): string[] {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.keys(pkg.devDependencies).filter((name) => lock.packages[`node_modules/${name}`]?.dev === true);
}

const IMAGE_FACTS = `
  import { existsSync, readFileSync } from 'node:fs';
  import { userInfo } from 'node:os';
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const held = (name) => existsSync('node_modules/' + name);
  console.log(JSON.stringify({
    uid: process.getuid(),
    user: userInfo().username,
    missing: Object.keys(pkg.dependencies).filter((name) => !held(name)),
    devDependencies: ${JSON.stringify(devOnlyPackages())}.filter(held), // jest, typescript, @nestjs/cli, ...
  }));`;

/** Polls with a deadline; on timeout the error carries the end of every container's log. */
async function waitWithLogs<T>(description: string, probe: () => Promise<T>, timeoutMs: number) {
  try {
    return await waitFor(description, probe, { timeoutMs, intervalMs: 250 });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${await project.logTails(SERVICES)}`);
  }
}

async function expectEveryKeyReadable(): Promise<void> {
  const reads = await inPool(KEYS, 8, (key) => call<KeyValueDto>(leader, 'GET', keyPath(key)));
  expect(reads.map((r) => [r.status, r.body.value])).toEqual(KEYS.map((k) => [200, VALUES.get(k)]));
}

beforeAll(async () => {
  await timed('podman build', buildImage);
  const port = await freePort();
  leader = `http://127.0.0.1:${port}`;
  project.env.DDB_LEADER_PORT = String(port);
  await timed('podman-compose up', () => project.compose('up', '-d', '--no-build'));
  await timed('cluster formed', () =>
    waitWithLogs(
      'the leader to be ready with 3 storage nodes UP',
      async () => {
        const view = await cluster();
        return view.leader.ready && STORAGE.every((id) => nodeIn(view, id)?.status === 'UP');
      },
      120_000,
    ),
  );
}, 20 * 60_000);

afterAll(async () => {
  await timed('teardown', () => project.teardown());
}, 120_000);

describe('the container image', () => {
  it('runs as the unprivileged node user and holds the dependencies but no devDependencies', async () => {
    const { stdout } = await execOk('podman', ['run', '--rm', IMAGE, 'node', '--input-type=module', '-e', IMAGE_FACTS]);
    const facts = JSON.parse(stdout) as { uid: number; user: string; missing: string[]; devDependencies: string[] };
    expect(facts).toEqual({ uid: expect.any(Number), user: 'node', missing: [], devDependencies: [] });
    expect(facts.uid).not.toBe(0);
  });

  it('declares a HEALTHCHECK on /health and SIGTERM as its stop signal', async () => {
    const { stdout } = await execOk('podman', ['image', 'inspect', IMAGE]);
    type Inspected = { Healthcheck?: { Test: string[] }; Config: { StopSignal?: string; User?: string } };
    const [image] = JSON.parse(stdout) as Inspected[];
    expect(image.Healthcheck?.Test.join(' ')).toContain('/health');
    expect(image.Config.StopSignal).toBe('SIGTERM');
    expect(image.Config.User).toBe('node');
  });

  it("passes the compose file's healthcheck on every node", async () => {
    for (const service of SERVICES) {
      const container = await project.container(service);
      // The first attempt can fail on a busy machine (starting node is slow): poll, do not sleep.
      await waitFor(`${service}'s healthcheck to pass`, async () => {
        const result = await exec('podman', ['healthcheck', 'run', container]);
        if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stdout}${result.stderr}`.trim());
        return true;
      }, { timeoutMs: 30_000, intervalMs: 500 });
    }
  });
});

describe('the compose cluster', () => {
  it("stores and reads keys through the leader's published port", async () => {
    const puts = await inPool(KEYS, 8, (key) =>
      call<PutResultDto>(leader, 'PUT', keyPath(key), { value: VALUES.get(key) }),
    );
    expect(puts.map((p) => [p.status, p.body.key])).toEqual(KEYS.map((k) => [201, k]));
    await expectEveryKeyReadable();
    const list = await call<ListResultDto>(leader, 'GET', '/kv?prefix=containers/&limit=1000');
    expect(list.body.items.map((i) => i.key).sort()).toEqual([...KEYS].sort());
  });

  it('restarts a storage container that reopens its volume, and the leader serves every key again', async () => {
    // A write is acknowledged by a majority; the third replica may report it a heartbeat later.
    const holdsEveryKey = async () => nodeIn(await cluster(), 'storage-1')?.keyCount === KEYS.length;
    await waitWithLogs(`storage-1 to hold all ${KEYS.length} keys before its restart`, holdsEveryKey, 30_000);
    const storage1 = await project.container('storage-1');
    await timed('podman restart storage-1', () => execOk('podman', ['restart', storage1]));
    const restarted = Date.now();
    // Its own count, from a heartbeat of the new process: what it found in its volume.
    await waitWithLogs(
      `storage-1 back in the cluster with its ${KEYS.length} keys`,
      async () => {
        const node = nodeIn(await cluster(), 'storage-1');
        const fresh = node?.lastHeartbeatAt !== undefined && Date.parse(node.lastHeartbeatAt) > restarted;
        return fresh && node?.status === 'UP' && node.keyCount === KEYS.length;
      },
      60_000,
    );
    const log = await project.logs('storage-1');
    const opened = [...log.matchAll(/lmdb engine open: (\d+) keys/g)].map((m) => Number(m[1]));
    expect(opened).toEqual([0, KEYS.length]); // the first start on an empty volume, then the restart
    const readsAgain = async () => (await call(leader, 'GET', keyPath(KEYS[0]))).status === 200;
    await waitWithLogs('the leader to read a key again', readsAgain, 30_000);
    await expectEveryKeyReadable();
  });

  it('stops a storage container on SIGTERM in under 2 s, after it left the registry', async () => {
    const storage3 = await project.container('storage-3');
    const stop = await execOk('podman', ['stop', '--time', '10', storage3]);
    note(`podman stop storage-3: ${stop.ms} ms`);
    expect(stop.ms).toBeLessThan(2000);
    const { stdout: exitCode } = await execOk('podman', ['inspect', '--format', '{{.State.ExitCode}}', storage3]);
    // 0: the node shut down gracefully (bootstrap.ts). 137 would be podman's SIGKILL after its timeout.
    expect(Number(exitCode)).toBe(0);
    expect(await project.logs('storage-3')).toContain('left the registry as storage-3');

    // Without deregistering it would stay listed (SUSPECT after 2 missed heartbeats, DOWN after
    // the lease) until the registry evicts it, LEASE_TTL_MS + DOWN_RETENTION_MS later. Instead the
    // leader's next refresh no longer finds it in the registry: UNKNOWN, long before the lease ends.
    const seen = new Set<string>();
    await waitFor(
      'the leader to see storage-3 gone from the registry',
      async () => {
        const status = nodeIn(await cluster(), 'storage-3')?.status ?? 'absent';
        seen.add(status);
        return status === 'UNKNOWN';
      },
      { timeoutMs: DEFAULTS.leaseTtlMs, intervalMs: 100 },
    );
    expect([...seen].filter((s) => s === 'SUSPECT' || s === 'DOWN')).toEqual([]);
    await expectEveryKeyReadable(); // the two other replicas are a majority
  });
});
