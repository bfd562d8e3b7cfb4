import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DistributedDbClient, type DistributedDbClientOptions } from './client.js';
import { describeError, errorDocument, EXIT_CODES_HELP, ExitCode, exitCodeFor, UsageError } from './cli-errors.js';
import { formatCluster } from './cli-format.js';
import { processInterruption, type CommandContext, type OutputStream } from './cli-io.js';
import type { ListItem } from './types.js';

/**
 * `ddb`, the command-line client. main() parses argv with commander, runs one command against
 * the leader with the SDK, and returns the exit code: it never calls process.exit, so tests run
 * it in process and bin/ddb.js only sets process.exitCode.
 */

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** What `ddb load -` reads; process.stdin by default. */
  stdin?: AsyncIterable<Buffer | string>;
  /** Stands for Ctrl-C in tests; by default dump and load catch SIGINT while they run. */
  interrupt?: AbortSignal;
  /** Where DDB_LEADER and DDB_TOKEN are read; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Overrides for the client the CLI builds (tests: a tiny backoff). */
  client?: Partial<DistributedDbClientOptions>;
}

interface GlobalOptions {
  leader?: string;
  token?: string;
  json?: boolean;
  timeout: number;
  retries: number;
}

export const DEFAULT_LEADER = 'http://127.0.0.1:4000';
/** Listing page size: the server's maximum, as key-only pages are small. */
const LS_PAGE_SIZE = 1000;
/** Pages that carry values (dump, and load's walk of the target): smaller, as values may be large. */
const VALUE_PAGE_SIZE = 500;
const LOAD_CONCURRENCY = 16;

export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const env = io.env ?? process.env;
  // `ddb ls | head`: once the reader has gone, end quietly, as a shell's SIGPIPE would, rather
  // than crash on EPIPE with a stack trace.
  if (io.stdout === process.stdout) process.stdout.on('error', exitOnBrokenPipe);
  const program = new Command('ddb');
  const print = (text: string): void => void io.stdout.write(`${text}\n`);
  const output = (json: unknown, human: () => string | undefined): void => {
    if (program.opts<GlobalOptions>().json) return print(JSON.stringify(json));
    const text = human();
    if (text !== undefined) print(text);
  };
  const client = (): DistributedDbClient => connect(program.opts<GlobalOptions>(), env, io.client);
  const printError = (error: unknown): void => {
    const json = program.opts<GlobalOptions>().json === true;
    io.stderr.write(json ? `${JSON.stringify(errorDocument(error))}\n` : `ddb: ${describeError(error)}\n`);
  };
  const context = (): CommandContext => ({
    client,
    json: program.opts<GlobalOptions>().json === true,
    stdout: io.stdout,
    stderr: io.stderr,
    stdin: () => io.stdin ?? process.stdin,
    interruption: () => (io.interrupt ? { signal: io.interrupt, release: () => undefined } : processInterruption()),
    printError,
    note: (text) => {
      if (program.opts<GlobalOptions>().json !== true) io.stderr.write(`ddb: ${text}\n`);
    },
  });
  // dump and load decide their exit code from what they did; the other commands throw.
  let exitCode: number = ExitCode.Ok;

  // Inherited by the subcommands, so these come before any .command().
  program
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, write) => write(`ddb: ${text.replace(/^error: /, '')}`),
    })
    .description('Command-line client for distributed-db: reads and writes keys through the leader.')
    .option('--leader <url>', `leader URL (default: $DDB_LEADER, else ${DEFAULT_LEADER})`)
    .option('--token <token>', 'API token (default: $DDB_TOKEN)')
    .option('--json', 'machine-readable output: one JSON document on stdout; errors as JSON on stderr')
    .option('--timeout <ms>', 'timeout of each request attempt', integerAtLeast(1), 10_000)
    .option('--retries <n>', 'retries of a failed request, where safe (see the SDK)', integerAtLeast(0), 3)
    .addHelpText('after', `${EXIT_CODES_HELP}\n\nA value or key starting with '-' goes after '--': ddb put k -- -1\n`);

  program
    .command('put')
    .description('write a value; prints the new revision')
    .argument('<key>')
    .argument('<value>')
    .option('--if-match <revision>', 'write only if the current revision is <revision>', integerAtLeast(0))
    .addOption(new Option('--if-absent', 'write only if the key does not exist').conflicts('ifMatch'))
    .action(async (key: string, value: string, opts: { ifMatch?: number; ifAbsent?: boolean }) => {
      const result = await client().put(key, value, { ifMatch: opts.ifMatch, ifNoneMatch: opts.ifAbsent });
      output(result, () => String(result.revision));
    });

  program
    .command('get')
    .description('print the value of a key (exit code 1 if it does not exist)')
    .argument('<key>')
    .action(async (key: string) => {
      const entry = await client().get(key);
      output(entry, () => entry.value);
    });

  program
    .command('ls')
    .description('list the keys under a prefix, one per line, in key order')
    .argument('[prefix]', 'key prefix', '')
    .option('--limit <n>', 'print at most <n> keys', integerAtLeast(1))
    .option('--cursor <cursor>', 'start after a previous --json listing stopped (its nextCursor)')
    .action(async (prefix: string, opts: { limit?: number; cursor?: string }) => {
      const json = program.opts<GlobalOptions>().json === true;
      const sdk = client();
      const items: ListItem[] = [];
      let remaining = opts.limit ?? Number.POSITIVE_INFINITY;
      let cursor = opts.cursor;
      let nextCursor: string | null = null;
      do {
        const page = await sdk.list({ prefix, cursor, limit: Math.min(LS_PAGE_SIZE, remaining) });
        // Human output streams page by page; JSON is one document at the end.
        if (json) items.push(...page.items);
        else if (page.items.length > 0) print(page.items.map((item) => item.key).join('\n'));
        remaining -= page.items.length;
        nextCursor = page.nextCursor;
        cursor = nextCursor ?? undefined;
      } while (cursor !== undefined && remaining > 0);
      output({ items, nextCursor }, () => undefined);
    });

  program
    .command('del')
    .description('delete a key (exit code 1 if it does not exist)')
    .argument('<key>')
    .option('--if-match <revision>', 'delete only if the current revision is <revision>', integerAtLeast(0))
    .action(async (key: string, opts: { ifMatch?: number }) => {
      await client().delete(key, { ifMatch: opts.ifMatch });
      output({ key, deleted: true }, () => undefined);
    });

  program
    .command('cluster')
    .description("show the leader's view of the cluster: nodes, usage, partitions")
    .action(async () => {
      const info = await client().cluster();
      output(info, () => formatCluster(info));
    });

  program
    .command('drain')
    .description('drain a storage node: it gets no new replicas and its replicas move away (--undo to stop)')
    .argument('<node-id>', 'the storage node, e.g. storage-2')
    .option('--undo', 'stop draining: the node takes replicas again')
    .action(async (nodeId: string, opts: { undo?: boolean }) => {
      const status = await client().drain(nodeId, opts.undo === true);
      output(status, () =>
        status.draining
          ? status.drained
            ? `${status.id} is drained: it holds no replicas`
            : `${status.id} is draining: ${status.partitions} partition(s) still to move (see ddb cluster)`
          : `${status.id} is not draining`,
      );
    });

  program
    .command('dump')
    .description('write every key under the prefix to stdout as JSON Lines: {"key","value","revision"} per line, in key order')
    .argument('[prefix]', 'key prefix (default: every key)', '')
    .option('--page-size <n>', 'keys fetched per request', integerAtMost(1000), VALUE_PAGE_SIZE)
    .addHelpText('after', '\nExample: ddb dump users/ > users.jsonl')
    .action(async (prefix: string, opts: { pageSize: number }) => {
      // Loaded when used: a `ddb get` in a shell loop starts no slower for dump and load.
      const { runDump } = await import('./cli-dump.js');
      exitCode = await runDump(context(), prefix, opts);
    });

  program
    .command('load')
    .description('write the keys of a dump file (or - for stdin); keys that already hold the value are skipped')
    .argument('<file>', 'a file written by ddb dump, or - for standard input')
    .option('--concurrency <n>', 'writes in flight at once', integerAtLeast(1), LOAD_CONCURRENCY)
    .option('--page-size <n>', 'keys per request when comparing with the target', integerAtMost(1000), VALUE_PAGE_SIZE)
    .addHelpText(
      'after',
      [
        '',
        'A file is checked whole before anything is written: a bad line exits 2 and loads nothing.',
        'From stdin a bad line stops the load there: lines before it are loaded, none after it.',
        'Run it again after a failure or Ctrl-C: keys that already hold their value are skipped.',
        'Ends with one line: keys read, written, skipped, failed (a JSON document with --json).',
      ].join('\n'),
    )
    .action(async (file: string, opts: { concurrency: number; pageSize: number }) => {
      const { runLoad } = await import('./cli-load.js');
      exitCode = await runLoad(context(), file, opts);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    // commander has already printed its own message (usage errors) or the help.
    if (error instanceof CommanderError) return exitCodeFor(error);
    printError(error);
    return exitCodeFor(error);
  }
}

function exitOnBrokenPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
  process.exit(ExitCode.Ok);
}

function connect(
  options: GlobalOptions,
  env: Readonly<Record<string, string | undefined>>,
  overrides: Partial<DistributedDbClientOptions> = {},
): DistributedDbClient {
  const url = options.leader ?? (env.DDB_LEADER || DEFAULT_LEADER);
  const token = options.token ?? (env.DDB_TOKEN || undefined);
  try {
    return new DistributedDbClient({ url, token, timeoutMs: options.timeout, retries: options.retries, ...overrides });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(`invalid leader URL: ${error.message}`);
    throw error;
  }
}

function integerAtLeast(min: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
    }
    return n;
  };
}

function integerAtMost(max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`expected an integer from 1 to ${max}`);
    }
    return n;
  };
}

// `node dist/client/cli.js …` works too; bin/ddb.js is the installed entry point.
if (isEntryPoint()) process.exitCode = await main(process.argv.slice(2));

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}
