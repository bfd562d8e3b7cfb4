import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './poll.js';

const MAIN = resolve('dist/main.js');
/** A deadline, not a wait: on a loaded 2-core machine a node has been seen to need more than 20 s to boot. */
const START_TIMEOUT_MS = 60_000;

export interface NodeSpec {
  name: string;
  role: 'registry' | 'storage' | 'leader';
  env?: Record<string, string>;
}

/** One real node process of a test cluster. Its port and data dir survive restarts. */
export class ClusterNode {
  process?: ChildProcess;
  /** The node's output, kept to print when a test fails. */
  readonly log: string[] = [];

  constructor(
    readonly spec: NodeSpec,
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', ...this.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    const keep = (chunk: Buffer) => {
      this.log.push(chunk.toString());
      if (this.log.length > 2000) this.log.splice(0, 1000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // Booting takes ~1 s on an idle machine; 12 s was measured while other test suites and
    // container builds shared the 2 cores. The deadline only matters when a node never comes up.
    await waitFor(`${this.spec.name} /health/live`, async () => {
      if (!this.running) throw new Error(`${this.spec.name} exited: ${this.log.join('').slice(-2000)}`);
      return (await fetch(`${this.url}/health/live`)).ok;
    }, { timeoutMs: START_TIMEOUT_MS });
  }

  /** Sends a signal and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
    clearTimeout(timer);
    if (this.running) {
      child.kill('SIGKILL');
      await exited;
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.process?.kill(signal);
  }
}

/**
 * Starts real node processes from the built app (dist/main.js) on free ports with temp data
 * dirs, and always cleans up: call stopAll() in afterAll.
 */
export class TestCluster {
  readonly secret = randomBytes(24).toString('hex');
  readonly nodes = new Map<string, ClusterNode>();
  private readonly root = mkdtempSync(join(tmpdir(), 'ddb-cluster-'));

  constructor(private readonly common: Record<string, string> = {}) {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  }

  get registry(): ClusterNode {
    return this.byRole('registry');
  }

  get leader(): ClusterNode {
    return this.byRole('leader');
  }

  /** The first node of a role, whatever its name. */
  byRole(role: NodeSpec['role']): ClusterNode {
    const node = [...this.nodes.values()].find((n) => n.spec.role === role);
    if (!node) throw new Error(`no ${role} node`);
    return node;
  }

  node(name: string): ClusterNode {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  async add(spec: NodeSpec): Promise<ClusterNode> {
    const port = await freePort();
    const dataDir = join(this.root, spec.name);
    const env: Record<string, string> = {
      ROLE: spec.role,
      NODE_ID: spec.name,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      CLUSTER_SECRET: this.secret,
      LOG_LEVEL: 'log',
      ...this.common,
    };
    if (spec.role !== 'registry') env.REGISTRY_URL = this.registry.url;
    const node = new ClusterNode(spec, port, dataDir, env);
    this.nodes.set(spec.name, node);
    await node.start();
    return node;
  }

  /** registry, `storage` storage nodes (storage-1..n), then the leader. */
  async startDefault(storage = 3): Promise<void> {
    await this.add({ name: 'registry', role: 'registry' });
    await Promise.all(Array.from({ length: storage }, (_, i) => this.add({ name: `storage-${i + 1}`, role: 'storage' })));
    await this.add({ name: 'leader', role: 'leader' });
  }

  internalHeaders(): Record<string, string> {
    return { Authorization: `Bearer ${this.secret}` };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.stop('SIGKILL')));
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Everything the nodes printed, for a failing test's report. */
  dump(): string {
    return [...this.nodes.values()].map((n) => `===== ${n.spec.name}\n${n.log.join('').slice(-4000)}`).join('\n');
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
