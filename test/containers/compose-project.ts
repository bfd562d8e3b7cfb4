import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall-clock time from spawn to exit. */
  ms: number;
}

/** Runs a command to its end and never throws on a non-zero exit: callers assert on the result. */
export function exec(file: string, args: readonly string[], env: Record<string, string> = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        ms: Date.now() - started,
      }),
    );
  });
}

/** Like exec, but a non-zero exit is an error that carries the end of the command's output. */
export async function execOk(
  file: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CommandResult> {
  const result = await exec(file, args, env);
  if (result.code !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().slice(-4000);
    throw new Error(`${file} ${args.join(' ')} exited with ${result.code}:\n${output}`);
  }
  return result;
}

/**
 * One docker-compose.yml project run by podman-compose. Containers are found by the labels compose
 * puts on them (project and service), not by name: podman-compose and docker compose name them
 * differently.
 */
export class ComposeProject {
  constructor(
    readonly name: string,
    /** The variables docker-compose.yml reads (CLUSTER_SECRET, DDB_IMAGE, DDB_LEADER_PORT). */
    readonly env: Record<string, string>,
  ) {}

  compose(...args: string[]): Promise<CommandResult> {
    return execOk('podman-compose', ['-p', this.name, '-f', 'docker-compose.yml', ...args], this.env);
  }

  async container(service: string): Promise<string> {
    const { stdout } = await execOk('podman', [
      'ps', '-a', '--format', '{{.Names}}',
      '--filter', `label=io.podman.compose.project=${this.name}`,
      '--filter', `label=com.docker.compose.service=${service}`,
    ]);
    const names = stdout.split('\n').filter(Boolean);
    if (names.length !== 1) throw new Error(`expected one container for ${service}, found ${JSON.stringify(names)}`);
    return names[0];
  }

  async logs(service: string): Promise<string> {
    const { stdout, stderr } = await exec('podman', ['logs', await this.container(service)]);
    return stdout + stderr;
  }

  /** The end of every service's log, for the message of a failed wait. */
  async logTails(services: readonly string[]): Promise<string> {
    const tails = await Promise.all(
      services.map(async (s) => `===== ${s}\n${(await this.logs(s).catch((e: Error) => e.message)).slice(-3000)}`),
    );
    return tails.join('\n');
  }

  /** Containers with their anonymous volumes, named volumes, network: see the script. */
  teardown(): Promise<CommandResult> {
    return execOk('bash', ['scripts/containers/teardown.sh', this.name]);
  }
}
