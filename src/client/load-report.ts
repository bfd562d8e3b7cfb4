import { describeError, ExitCode, exitCodeFor } from './cli-errors.js';
import { DumpLineError } from './dump-line.js';
import { Interrupted } from './cli-io.js';
import type { LoadReport } from './loader.js';

/** What `ddb load` tells its user at the end, and the exit code. Pure functions of the report. */

/** Failures listed one per line on stderr before "… and N more". */
const FAILURES_SHOWN = 10;

export function loadExitCode(report: LoadReport): ExitCode {
  const { stopped } = report;
  if (stopped instanceof DumpLineError) return ExitCode.Usage;
  if (stopped instanceof Interrupted) return ExitCode.Interrupted;
  if (stopped !== undefined) return exitCodeFor(stopped.fatal);
  return report.failures.length > 0 ? exitCodeFor(report.failures[0].error) : ExitCode.Ok;
}

/** The one summary line on stdout. */
export function formatLoadSummary(source: string, report: LoadReport, seconds: number): string {
  const counts =
    `${report.written} written, ${report.skipped} skipped (already held the value), ${report.failed} failed`;
  const state = report.stopped === undefined ? 'loaded' : 'stopped early';
  return `${source}: ${report.keys} key(s) read, ${counts}; ${state} in ${seconds} s`;
}

/** The same for --json. */
export function loadSummaryDocument(source: string, report: LoadReport, seconds: number): Record<string, unknown> {
  return {
    source,
    keys: report.keys,
    written: report.written,
    skipped: report.skipped,
    failed: report.failed,
    complete: report.stopped === undefined,
    seconds,
    failures: report.failures.map(({ line, key, error }) => ({
      line,
      key,
      message: describeError(error),
      exitCode: exitCodeFor(error),
    })),
  };
}

/** The lines for stderr (without the "ddb: " each gets): the failed keys, then why the load stopped. */
export function loadProblems(report: LoadReport): string[] {
  const lines = report.failures
    .slice(0, FAILURES_SHOWN)
    .map(({ line, key, error }) => `line ${line} (key ${JSON.stringify(key)}): ${describeError(error)}`);
  const unlisted = report.failed - Math.min(report.failures.length, FAILURES_SHOWN);
  if (unlisted > 0) lines.push(`… and ${unlisted} more failed key(s)`);
  const { stopped } = report;
  const rerun = 'run the same command again to load the rest: keys already loaded are skipped';
  if (stopped instanceof DumpLineError) {
    lines.push(stopped.message, `stopped at line ${stopped.line}: nothing after it was written`);
  } else if (stopped instanceof Interrupted) {
    lines.push(`interrupted after line ${stopped.line}; ${rerun}`);
  } else if (stopped !== undefined) {
    lines.push(describeError(stopped.fatal), `stopped; ${rerun}`);
  } else if (report.failed > 0) {
    lines.push(`${report.failed} key(s) failed; ${rerun}`);
  }
  return lines;
}

/** With --json: the one error document for stderr, or undefined when the load succeeded. */
export function loadErrorCause(report: LoadReport): unknown {
  const { stopped } = report;
  if (stopped instanceof DumpLineError || stopped instanceof Interrupted) return stopped;
  if (stopped !== undefined) return stopped.fatal;
  return report.failures[0]?.error;
}
