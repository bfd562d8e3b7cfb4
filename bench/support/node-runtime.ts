/**
 * The Node.js our servers (the cluster's nodes and the ceiling app) run on, from --node: the
 * harness's own binary by default, a binary given by its path, or a major version taken from
 * bench/.node/<version>/ or else fetched once from the npm registry, whose node-<os>-<arch>
 * packages carry the official binary at package/bin/node. The harness and its load generator stay
 * on the harness's Node in every case, so every system in a run meets the same load generator.
 */
import { execFile } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { UsageError, type NodeChoice } from '../options.js';

export interface NodeRuntime {
  /** The binary our servers are started with. */
  readonly path: string;
  /** What it answers to `-v`, e.g. v24.9.0. */
  readonly version: string;
}

/** Git-ignored; one directory per exact version, each the unpacked npm package (bin/node inside). */
export const NODE_CACHE = fileURLToPath(new URL('../../../.node/', import.meta.url));
const EXACT = /^(\d+)\.(\d+)\.(\d+)$/;
const run = promisify(execFile);

/** The npm package that holds the official Node binary for this platform and CPU. */
export function nodePackageFor(platform: string, arch: string): string {
  if ((platform === 'linux' || platform === 'darwin') && (arch === 'x64' || arch === 'arm64')) {
    return `node-${platform}-${arch}`;
  }
  throw new UsageError(
    `--node <major>: the npm registry has no Node package for ${platform} ${arch}; give --node the path of a node binary`,
  );
}

/** The newest of `versions` ("24.9.0", no "v", no pre-releases) with this major, if any. */
export function newestOfMajor(versions: readonly string[], major: number): string | undefined {
  const parts = (v: string): number[] => EXACT.exec(v)!.slice(1).map(Number);
  return versions
    .filter((v) => EXACT.test(v) && parts(v)[0] === major)
    .sort((a, b) => {
      const [pa, pb] = [parts(a), parts(b)];
      return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
    })
    .at(-1);
}

/** The header's Node part: one version, or the harness's and the servers' when they differ. */
export function describeNodes(harness: string, servers?: string | null): string {
  return !servers || servers === harness
    ? `Node ${harness}`
    : `Node ${harness} (harness and load generator), our servers on Node ${servers}`;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function versionOf(binary: string): Promise<string> {
  const { stdout } = await run(binary, ['-v'], { env: { PATH: process.env.PATH ?? '' }, timeout: 10_000 });
  const version = stdout.trim();
  if (!/^v\d+\.\d+\.\d+/.test(version)) throw new Error(`\`${binary} -v\` answered ${JSON.stringify(version)}`);
  return version;
}

async function givenBinary(text: string): Promise<NodeRuntime> {
  const path = resolve(text);
  const executable = (): boolean => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const problem = !existsSync(path)
    ? 'no such file'
    : !statSync(path).isFile()
      ? 'not a file'
      : !executable()
        ? 'not executable'
        : null;
  if (problem) throw new UsageError(`--node ${text}: ${problem} (give a major version such as 24, or a node binary)`);
  try {
    return { path, version: await versionOf(path) };
  } catch (error) {
    throw new UsageError(`--node ${text}: not a node binary? ${messageOf(error)}`);
  }
}

/** Runs npm --json and answers its stdout; a failure carries npm's own code (E404: no such version) and summary. */
async function npm(args: readonly string[]): Promise<string> {
  try {
    return (await run('npm', [...args, '--json'], { maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 })).stdout;
  } catch (error) {
    let npmError: { code?: string; summary?: string } | undefined;
    try {
      npmError = (JSON.parse((error as { stdout?: string }).stdout ?? '') as { error?: typeof npmError }).error;
    } catch {
      // no JSON: execFile's message has npm's stderr
    }
    const why = npmError?.summary ? `${npmError.code ?? 'error'}: ${npmError.summary}` : messageOf(error);
    throw Object.assign(new Error(`npm ${args.join(' ')} failed (${why})`), { code: npmError?.code });
  }
}

/** Downloads the newest `major`.x into `cache`/<version>/, checks it, and answers that version. */
async function fetchMajor(major: number, cache: string, say: (line: string) => void): Promise<string> {
  const pkg = nodePackageFor(process.platform, process.arch);
  let listed: string | string[] = []; // one version comes as a string, several as an array
  try {
    listed = JSON.parse(await npm(['view', `${pkg}@${major}`, 'version'])) as string | string[];
  } catch (error) {
    if ((error as { code?: string }).code !== 'E404') throw error;
  }
  const version = newestOfMajor([listed].flat(), major);
  if (!version) throw new UsageError(`--node ${major}: the npm registry has no ${pkg}@${major}`);
  say(`fetching Node ${major} from the npm registry (${pkg}@${version}) ...`);
  mkdirSync(cache, { recursive: true });
  // Unpacked beside the cache and renamed into it: a version directory is complete or absent.
  const work = mkdtempSync(join(cache, '.fetch-'));
  try {
    await npm(['pack', `${pkg}@${version}`, '--pack-destination', work]);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${pkg}@${version} left no tarball in ${work}`);
    await run('tar', ['-xzf', join(work, tarball), '-C', work]);
    const answered = await versionOf(join(work, 'package', 'bin', 'node'));
    if (answered !== `v${version}`) throw new Error(`${pkg}@${version}'s bin/node says it is ${answered}`);
    const target = join(cache, version);
    try {
      renameSync(join(work, 'package'), target);
    } catch (error) {
      if (!existsSync(join(target, 'bin', 'node'))) throw error; // else another run put it there first
    }
    return version;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function majorVersion(major: number, cache: string, say: (line: string) => void): Promise<NodeRuntime> {
  const present = existsSync(cache) ? readdirSync(cache).filter((v) => existsSync(join(cache, v, 'bin', 'node'))) : [];
  const version = newestOfMajor(present, major) ?? (await fetchMajor(major, cache, say));
  const path = join(cache, version, 'bin', 'node');
  const answered = await versionOf(path);
  if (answered !== `v${version}`) {
    throw new Error(
      `${relative(process.cwd(), path)} says it is ${answered}: remove ${relative(process.cwd(), join(cache, version))} and run again`,
    );
  }
  return { path, version: answered };
}

/** The binary our servers run on, for --node (fetching it first where needed). */
export async function nodeRuntime(
  choice: NodeChoice,
  say: (line: string) => void,
  cache = NODE_CACHE,
): Promise<NodeRuntime> {
  switch (choice.kind) {
    case 'harness':
      return { path: process.execPath, version: process.version };
    case 'path':
      return givenBinary(choice.path);
    case 'major':
      return majorVersion(choice.major, cache, say);
  }
}
