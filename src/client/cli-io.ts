import type { DistributedDbClient } from './client.js';

/** The streams and helpers a `ddb` command runs with (cli.ts builds them from CliIo). */

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  once?(event: 'drain', listener: () => void): unknown;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

export interface CommandContext {
  client(): DistributedDbClient;
  json: boolean;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Standard input, opened only by the command that reads it. */
  stdin(): AsyncIterable<Buffer | string>;
  /** Aborted on the first Ctrl-C while the command runs; a second one ends the process as usual. */
  interruption(): { signal: AbortSignal; release: () => void };
  /** Prints a failure on stderr: one line, or one JSON document with --json. */
  printError(error: unknown): void;
  /** A line for a person on stderr ("ddb: …"); nothing with --json. */
  note(text: string): void;
}

/** A load was asked to stop (Ctrl-C) and did, after its writes in flight finished. */
export class Interrupted extends Error {
  constructor(
    /** The last line it read. */
    readonly line: number,
  ) {
    super(`interrupted after line ${line}`);
    this.name = 'Interrupted';
  }
}

/**
 * Writes to a stream at the pace the reader takes it (waits for 'drain' when the buffer is full),
 * and turns an asynchronous write error (EPIPE when `ddb dump | head` stops reading, ENOSPC) into
 * an exception of the next write instead of a crash.
 */
export class PacedWriter {
  private failure: Error | undefined;
  private readonly onError = (error: Error) => {
    this.failure ??= error;
    this.wake?.();
  };
  private wake: (() => void) | undefined;

  constructor(private readonly stream: OutputStream) {
    stream.on?.('error', this.onError);
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.write(text) !== false || !this.stream.once) return;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      this.stream.once?.('drain', resolve);
    });
    this.wake = undefined;
    if (this.failure) throw this.failure;
  }

  close(): void {
    this.stream.off?.('error', this.onError);
  }
}

export function isBrokenPipe(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EPIPE';
}

/** A SIGINT handler for the real process, installed only while a long command runs. */
export function processInterruption(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}
