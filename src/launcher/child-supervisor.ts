import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { LinePrefixer } from './line-prefixer.js';

/** One process to run: what to start, and the tag its output lines get. */
export interface ChildSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Written before every line the child prints (see formatTag). */
  readonly prefix: string;
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** "code 1", "signal SIGKILL": how a child ended, in words. */
export function describeExit({ code, signal }: ChildExit): string {
  return signal ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
}

/** A running (or finished) child, as the supervisor tracks it. */
export class SupervisedChild {
  /** Settles once the process is gone and its output is flushed; never rejects. */
  readonly exited: Promise<ChildExit>;
  private exit?: ChildExit;

  constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      const done = (exit: ChildExit): void => {
        if (this.exit) return;
        this.exit = exit;
        resolve(exit);
      };
      // 'close' comes after the stdio streams ended, so every line is printed before the exit is told.
      proc.once('close', (code, signal) => done({ code, signal }));
      proc.once('error', () => done({ code: null, signal: null }));
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.proc.kill(signal);
  }
}

export interface SupervisorOptions {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Called when a child ends while nobody asked it to stop. */
  readonly onUnexpectedExit: (child: SupervisedChild, exit: ChildExit) => void;
}

/**
 * Starts child processes, prefixes their output line by line, and stops them all on request.
 * Each child gets an IPC channel: a child that watches it (process.on('disconnect')) ends when the
 * supervisor's process ends, however that happens, so no child outlives it.
 */
export class ChildSupervisor {
  private readonly children: SupervisedChild[] = [];
  /** Set once stopAll() starts: from then on an exit is expected, not news. */
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {}

  start(spec: ChildSpec): SupervisedChild {
    const proc = spawn(spec.command, [...spec.args], {
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which then
      // stops the children itself, each with exactly one SIGTERM.
      detached: true,
    });
    const child = new SupervisedChild(spec.name, proc);
    pipeLines(proc.stdout, spec.prefix, this.options.stdout);
    pipeLines(proc.stderr, spec.prefix, this.options.stderr);
    proc.on('error', (error) => this.options.stderr.write(`${spec.prefix}failed to start: ${error.message}\n`));
    void child.exited.then((exit) => {
      if (!this.stopping) this.options.onUnexpectedExit(child, exit);
    });
    this.children.push(child);
    return child;
  }

  /**
   * SIGTERM to every running child, stage by stage (`stages` lists names; unlisted children go
   * first), each stage once the one before has exited. Whoever still runs `graceMs` after the start
   * gets SIGKILL. Resolves, once all have exited, with the names of those that had to be killed.
   */
  async stopAll(graceMs: number, stages: readonly (readonly string[])[] = []): Promise<string[]> {
    this.stopping = true;
    const listed = new Set(stages.flat());
    const ordered = [
      this.children.filter((c) => !listed.has(c.name)),
      ...stages.map((names) => this.children.filter((c) => names.includes(c.name))),
    ];
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    let late = false;
    for (const stage of ordered) {
      const running = stage.filter((c) => c.running);
      for (const child of running) child.signal('SIGTERM');
      late = (await Promise.race([Promise.all(running.map((c) => c.exited)), deadline])) === 'late';
      if (late) break;
    }
    clearTimeout(timer);
    const killed = late ? this.children.filter((c) => c.running) : [];
    for (const child of killed) child.signal('SIGKILL');
    await Promise.all(this.children.map((c) => c.exited));
    return killed.map((c) => c.name);
  }

  /** SIGKILL to every running child, at once (a second Ctrl-C while stopping). */
  killAll(): void {
    this.stopping = true;
    for (const child of this.children) child.signal('SIGKILL');
  }
}

function pipeLines(from: Readable | null, prefix: string, to: Writable): void {
  if (!from) return;
  const lines = new LinePrefixer(prefix);
  from.setEncoding('utf8'); // decodes multi-byte characters split across chunks
  from.on('data', (chunk: string) => {
    const text = lines.push(chunk);
    if (text) to.write(text);
  });
  from.on('end', () => {
    const text = lines.flush();
    if (text) to.write(text);
  });
}
