import { createReadStream } from 'node:fs';
import { ExitCode, UsageError } from './cli-errors.js';
import type { CommandContext } from './cli-io.js';
import { elapsed } from './cli-dump.js';
import { DumpLineError } from './dump-line.js';
import { readLines } from './line-reader.js';
import {
  formatLoadSummary,
  loadErrorCause,
  loadExitCode,
  loadProblems,
  loadSummaryDocument,
} from './load-report.js';
import { loadDump, scanDump, type DumpScan } from './loader.js';
import { startProgress } from './progress.js';

/**
 * `ddb load <file|->`. A file is read twice: a first pass checks every line and finds the key
 * range before anything is written, so a bad line anywhere means nothing was loaded; the second
 * pass writes. Standard input can be read only once, so from `-` a bad line stops the load there:
 * the lines before it are loaded, nothing after it is written.
 */

export interface LoadCommandOptions {
  concurrency: number;
  pageSize: number;
}

export async function runLoad(ctx: CommandContext, source: string, options: LoadCommandOptions): Promise<number> {
  const started = performance.now();
  const fromStdin = source === '-';
  let scan: DumpScan | undefined;
  if (!fromStdin) {
    try {
      scan = await scanDump(readLines(createReadStream(source)));
    } catch (error) {
      ctx.printError(error instanceof DumpLineError ? error : unreadable(source, error));
      if (error instanceof DumpLineError) ctx.note(`nothing was loaded from ${source}`);
      return ExitCode.Usage;
    }
  }
  const name = fromStdin ? 'stdin' : source;
  const target = ctx.client();
  const progress = startProgress(ctx.stderr, {
    total: scan?.keys,
    format: (hasTotal) =>
      (hasTotal ? 'load [{bar}] {percentage}% | {value}/{total} keys' : 'load {value} keys') +
      ' | {written} written, {skipped} skipped, {failed} failed | ' +
      (hasTotal ? 'ETA {eta_formatted}' : '{duration_formatted}'),
    payload: { written: 0, skipped: 0, failed: 0 },
  });
  const interruption = ctx.interruption();
  const report = await loadDump({
    target,
    lines: readLines(fromStdin ? ctx.stdin() : createReadStream(source)),
    concurrency: options.concurrency,
    prefix: scan?.prefix ?? '',
    pageSize: options.pageSize,
    onProgress: (counts) => progress.update(counts.keys, { ...counts }),
    signal: interruption.signal,
  }).finally(() => {
    progress.stop();
    interruption.release();
  });

  const seconds = elapsed(started);
  if (ctx.json) {
    ctx.stdout.write(`${JSON.stringify(loadSummaryDocument(name, report, seconds))}\n`);
    const cause = loadErrorCause(report);
    if (cause !== undefined) ctx.printError(cause);
  } else {
    ctx.stdout.write(`${formatLoadSummary(name, report, seconds)}\n`);
    for (const line of loadProblems(report)) ctx.note(line);
  }
  return loadExitCode(report);
}

function unreadable(source: string, error: unknown): UsageError {
  // Duck-typed: an fs error may come from another realm (a test runner's vm).
  const message = (error as { message?: unknown } | null)?.message;
  return new UsageError(`cannot read ${source}: ${typeof message === 'string' ? message : String(error)}`);
}
