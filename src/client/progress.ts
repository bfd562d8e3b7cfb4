import cliProgress from 'cli-progress';

/**
 * A progress line on stderr while dump or load runs, drawn with cli-progress, and only when
 * stderr is a terminal: redirected to a file or read by a program, it would be noise.
 */

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  update(value: number, payload?: Record<string, number>): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

export interface ProgressOptions {
  /** With a total: a bar, a percentage and an ETA; without: a running count. */
  total?: number;
  /** cli-progress format tokens: {bar} {percentage} {value} {total} {eta_formatted} {duration_formatted} and the payload's keys. */
  format: (hasTotal: boolean) => string;
  payload?: Record<string, number>;
}

export function startProgress(stream: ProgressStream, options: ProgressOptions): Progress {
  if (stream.isTTY !== true) return NO_PROGRESS;
  const hasTotal = options.total !== undefined;
  const bar = new cliProgress.SingleBar({
    stream: stream as unknown as NodeJS.WritableStream,
    format: options.format(hasTotal),
    hideCursor: true,
    barsize: 30,
    etaBuffer: 200,
  });
  bar.start(options.total ?? 0, 0, options.payload ?? {});
  return {
    update: (value, payload) => bar.update(value, payload),
    stop: () => bar.stop(),
  };
}
