/**
 * Everything the benchmark starts or creates, so that all of it goes away however the run ends:
 * normally, on an exception, on Ctrl-C / SIGTERM, or at process exit (a synchronous last resort).
 *
 * Each child runs in its own process group (detached), and is stopped by signalling the whole
 * group, so nothing a child started itself survives it. Node children also get an IPC channel:
 * the app (src/main.ts) exits when it closes, so even a SIGKILLed harness leaves no node behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServiceSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Give the child an IPC channel (node children: closing it is their graceful stop). */
  readonly ipc?: boolean;
}

const LOG_LINES = 200;
const TERM_GRACE_MS = 5000;

/** One child process (a node, etcd, the ceiling app) and the tail of its output. */
export class Service {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly lines: string[] = [];
  private done = false;
  /** Set once stop() begins: from then on an exit is expected. */
  stopping = false;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      });
      child.once('error', (error) => {
        this.keep(`failed to start: ${error.message}`);
        this.done = true;
        resolve({ code: null, signal: null });
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => this.keep(chunk));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  /** The last lines the child printed, for an error message. */
  tail(lines = 30): string {
    return this.lines.join('').split('\n').slice(-lines).join('\n');
  }

  /**
   * Stops the child and everything in its process group. `graceful`: close the IPC channel first
   * (the app then closes and exits normally, which is when --cpu-prof writes its profile).
   */
  async stop({ graceful = false } = {}): Promise<void> {
    this.stopping = true;
    if (!this.running) return;
    if (graceful && this.child.connected) this.child.disconnect();
    else this.signalGroup('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), TERM_GRACE_MS)));
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') this.signalGroup('SIGKILL');
    await this.exited;
    this.signalGroup('SIGKILL'); // whatever the child left behind in its group
  }

  signalGroup(signal: NodeJS.Signals): void {
    this.stopping = true;
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  private keep(text: string): void {
    this.lines.push(text);
    if (this.lines.length > LOG_LINES * 2) this.lines.splice(0, this.lines.length - LOG_LINES);
  }
}

export class Resources {
  private readonly services = new Set<Service>();
  private readonly dirs = new Set<string>();

  /**
   * `onStart` hears of every child started (the harness prints its pid); `onCrash` of every child
   * that exits while nobody is stopping it (the harness prints why, from its output).
   */
  constructor(
    private readonly onStart: (service: Service) => void = () => {},
    private readonly onCrash: (service: Service, exit: { code: number | null; signal: NodeJS.Signals | null }) => void = () => {},
  ) {}

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `ddb-bench-${prefix}-`));
    this.dirs.add(dir);
    return dir;
  }

  start(spec: ServiceSpec): Service {
    const child = spawn(spec.command, [...spec.args], {
      env: spec.env,
      stdio: spec.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const service = new Service(spec.name, child);
    this.services.add(service);
    this.onStart(service);
    void service.exited.then((exit) => {
      if (!service.stopping) this.onCrash(service, exit);
    });
    return service;
  }

  async stop(service: Service, options?: { graceful?: boolean }): Promise<void> {
    await service.stop(options);
    this.services.delete(service);
  }

  removeDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.dirs.delete(dir);
  }

  /** Stops every child still running and removes every temp dir. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.services].map((s) => this.stop(s)));
    for (const dir of [...this.dirs]) this.removeDir(dir);
  }

  /** The same, synchronously and without grace: for process.on('exit'), where nothing async runs. */
  releaseAllNow(): void {
    for (const service of this.services) service.signalGroup('SIGKILL');
    this.services.clear();
    for (const dir of [...this.dirs]) this.removeDir(dir);
  }
}
