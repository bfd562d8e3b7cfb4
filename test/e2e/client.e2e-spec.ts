import { execFile, spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLeader } from '../../src/client/testing/fake-leader.js';

/**
 * `ddb` as a user runs it: the executable bin/ddb.js importing the compiled CLI, in a process of
 * its own, talking HTTP to a leader. The client is compiled into a temporary copy of the package
 * layout (bin/ + dist/client/), so the project's dist/ is neither needed nor touched.
 */

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const projectBin = join(projectRoot, 'bin', 'ddb.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('ddb (bin/ddb.js)', () => {
  let root: string;
  let leader: FakeLeader;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ddb-e2e-'));
    const tsconfig = {
      extends: join(projectRoot, 'tsconfig.build.json'),
      compilerOptions: {
        rootDir: join(projectRoot, 'src'),
        outDir: join(root, 'dist'),
        declaration: false,
        sourceMap: false,
      },
      include: [join(projectRoot, 'src/client/**/*.ts')],
      exclude: [join(projectRoot, 'src/client/**/*.spec.ts')],
    };
    await writeFile(join(root, 'tsconfig.json'), JSON.stringify(tsconfig));
    await writeFile(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
    // Gives tsc the type definitions and the built CLI its commander.
    await symlink(join(projectRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        [join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')],
        (error, stdout) => (error ? reject(new Error(`tsc failed:\n${stdout}`)) : resolve()),
      ),
    );
    await mkdir(join(root, 'bin'));
    await copyFile(projectBin, join(root, 'bin', 'ddb.js'));
    await chmod(join(root, 'bin', 'ddb.js'), (await stat(projectBin)).mode);
  }, 60_000);

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    leader = await FakeLeader.start({ token: 'e2e-token-123' });
  });

  afterEach(async () => {
    await leader?.close();
  });

  /** Runs the copied bin/ddb.js directly (through its shebang), as the shell would. */
  function ddb(args: string[], env: Record<string, string> = {}): Promise<Run> {
    const inherited = { ...process.env };
    delete inherited.DDB_LEADER;
    delete inherited.DDB_TOKEN;
    return new Promise((resolve) => {
      execFile(
        join(root, 'bin', 'ddb.js'),
        args,
        { env: { ...inherited, DDB_LEADER: leader.url, DDB_TOKEN: 'e2e-token-123', ...env } },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  it('bin/ddb.js is committed executable, with a node shebang, importing the built CLI', async () => {
    const mode = (await stat(projectBin)).mode;
    const text = await readFile(projectBin, 'utf8');

    expect(mode & 0o111).toBe(0o111);
    expect(text.split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(text).toContain("from '../dist/client/cli.js'");
  });

  it('writes, reads, lists and deletes a key, with exit codes a script can use', async () => {
    const put = await ddb(['put', 'users/42', '{"name":"Ada"}']);
    const get = await ddb(['get', 'users/42']);
    const ls = await ddb(['ls', 'users/']);
    const del = await ddb(['del', 'users/42']);
    const gone = await ddb(['get', 'users/42']);

    expect(put).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    expect(get).toEqual({ code: 0, stdout: '{"name":"Ada"}\n', stderr: '' });
    expect(ls).toEqual({ code: 0, stdout: 'users/42\n', stderr: '' });
    expect(del).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(gone).toEqual({ code: 1, stdout: '', stderr: 'ddb: key "users/42" not found\n' });
    // Five Node processes one after the other: over 5 s when other suites share the 2 cores.
  }, 30_000);

  it('exits 4 on a failed condition and 5 with a wrong token', async () => {
    leader.seed('k', 'v');

    const conflict = await ddb(['put', 'k', 'w', '--if-absent']);
    const denied = await ddb(['get', 'k'], { DDB_TOKEN: 'wrong-token' });

    expect(conflict.code).toBe(4);
    expect(denied.code).toBe(5);
    expect(leader.peek('k')?.value).toBe('v');
  });

  it('exits 3 with one line on stderr when no leader listens', async () => {
    const url = leader.url;
    await leader.close();
    leader = await FakeLeader.start();

    const run = await ddb(['--retries', '0', 'cluster'], { DDB_LEADER: url });

    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^ddb: cannot reach http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED [^\n]+\n$/);
  });

  it('exits 2 on a usage error and 0 for --help', async () => {
    const usage = await ddb(['put', 'only-a-key']);
    const help = await ddb(['--help']);

    expect(usage).toEqual({ code: 2, stdout: '', stderr: "ddb: missing required argument 'value'\n" });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
  });

  it('ends quietly with 0 when the reader of its output goes away (ddb ls | head)', async () => {
    for (let i = 0; i < 5000; i++) leader.seed(`many/${i}`, 'v');
    const child = spawn(join(root, 'bin', 'ddb.js'), ['ls', 'many/'], {
      env: { ...process.env, DDB_LEADER: leader.url, DDB_TOKEN: 'e2e-token-123' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Read the first chunk, then close the pipe, as `head` does.
    child.stdout.once('data', () => child.stdout.destroy());

    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));

    expect(code).toBe(0);
    expect(stderr).toBe('');
  }, 30_000);
});
