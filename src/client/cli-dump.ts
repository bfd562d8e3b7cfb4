import { ExitCode, exitCodeFor } from './cli-errors.js';
import { isBrokenPipe, PacedWriter, type CommandContext } from './cli-io.js';
import { formatDumpLine } from './dump-line.js';
import { startProgress } from './progress.js';

/**
 * `ddb dump [prefix]`: every key under the prefix as JSON Lines on stdout (dump-line.ts), read
 * page by page through the listing and written as fast as stdout takes it: one page in memory,
 * whatever the size of the cluster. The listing is not a snapshot: a key written while the dump
 * runs may or may not be in it, and each line carries the revision the dump saw.
 */

export interface DumpCommandOptions {
  pageSize: number;
}

export async function runDump(ctx: CommandContext, prefix: string, options: DumpCommandOptions): Promise<number> {
  const started = performance.now();
  // Before anything starts: an unusable --leader is a usage error, not an incomplete dump.
  const client = ctx.client();
  const out = new PacedWriter(ctx.stdout);
  const progress = startProgress(ctx.stderr, { format: () => 'dump {value} keys | {duration_formatted}' });
  const interruption = ctx.interruption();
  let keys = 0;
  let outcome: 'done' | 'interrupted' = 'done';
  try {
    for await (const page of client.listPages({ prefix, values: true, pageSize: options.pageSize })) {
      // Whole lines only, so an interrupted dump ends on a line boundary.
      if (page.items.length > 0) await out.write(page.items.map(formatDumpLine).join(''));
      keys += page.items.length;
      progress.update(keys);
      if (interruption.signal.aborted) {
        outcome = 'interrupted';
        break;
      }
    }
  } catch (error) {
    progress.stop();
    // The reader went away (`ddb dump | head`): what it wanted, it got.
    if (isBrokenPipe(error)) return ExitCode.Ok;
    ctx.printError(error);
    summary(ctx, { keys, prefix, seconds: elapsed(started), complete: false });
    return exitCodeFor(error);
  } finally {
    progress.stop();
    out.close();
    interruption.release();
  }
  summary(ctx, { keys, prefix, seconds: elapsed(started), complete: outcome === 'done' });
  return outcome === 'done' ? ExitCode.Ok : ExitCode.Interrupted;
}

interface DumpSummary {
  keys: number;
  prefix: string;
  seconds: number;
  complete: boolean;
}

/** On stderr, since stdout is the dump itself. */
function summary(ctx: CommandContext, done: DumpSummary): void {
  if (ctx.json) {
    ctx.stderr.write(`${JSON.stringify({ dumped: done })}\n`);
    return;
  }
  const range = done.prefix === '' ? '' : ` under ${JSON.stringify(done.prefix)}`;
  const verb = done.complete ? 'dumped' : 'dump incomplete:';
  ctx.stderr.write(`ddb: ${verb} ${done.keys} key(s)${range} in ${done.seconds} s\n`);
}

export function elapsed(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10;
}
