import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The built `ddb` as a user runs it: `node bin/ddb.js …` in a process of its own (async spawn,
 * so the test's event loop keeps running). Needs `npm run build` (bin/ddb.js imports dist/).
 */

const BIN = resolve('bin/ddb.js');

export interface DdbRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface DdbOptions {
  /** DDB_LEADER, DDB_TOKEN … on top of PATH. Nothing else is inherited. */
  env?: Record<string, string>;
  /** Written to the process's stdin, which is then closed. */
  stdin?: string;
  /** Send stdout to this file, as `ddb … > file` does (stdout() is then empty). */
  stdoutFile?: string;
}

export interface DdbProcess {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  done: Promise<DdbRun>;
}

export function startDdb(args: string[], options: DdbOptions = {}): DdbProcess {
  const file = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'w');
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['pipe', file ?? 'pipe', 'pipe'],
  });
  // The child has its own copy of the descriptor now.
  if (file !== undefined) closeSync(file);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin?.end(options.stdin ?? '');
  const done = new Promise<DdbRun>((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, done };
}

export function ddb(args: string[], options: DdbOptions = {}): Promise<DdbRun> {
  return startDdb(args, options).done;
}
