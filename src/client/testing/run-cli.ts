import { main, type CliIo } from '../cli.js';

/** What one in-process run of `ddb` printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs main() with string-collecting streams and a tiny retry backoff. `stderrIsTTY` makes stderr
 * look like a terminal (the progress bar draws only then).
 */
export async function runCli(
  argv: string[],
  env: Record<string, string>,
  more: Partial<Pick<CliIo, 'stdin' | 'interrupt'>> & { stderrIsTTY?: boolean } = {},
): Promise<CliRun> {
  const out: CliRun = { code: 0, stdout: '', stderr: '' };
  out.code = await main(argv, {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text), isTTY: more.stderrIsTTY, columns: 120 },
    stdin: more.stdin,
    interrupt: more.interrupt,
    env,
    client: { retryBaseDelayMs: 1, retryMaxDelayMs: 5 },
  });
  return out;
}
