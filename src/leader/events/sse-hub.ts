/** The slice of an HTTP response an SSE stream needs (express's Response fits). */
export interface SseSink {
  write(chunk: string): boolean;
  end(): void;
}

/** Formats one server-sent event; data is JSON on one line, so no `data:` splitting is needed. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The open /cluster/events streams. Broadcasts frames and ends them all on shutdown. */
export class SseHub {
  private readonly sinks = new Set<SseSink>();
  private closed = false;

  get size(): number {
    return this.sinks.size;
  }

  /** Once the hub has closed (shutdown), a new stream is ended at once rather than held open. */
  add(sink: SseSink): () => void {
    if (this.closed) {
      sink.end();
      return () => undefined;
    }
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  broadcast(frame: string): void {
    for (const sink of this.sinks) sink.write(frame);
  }

  endAll(): void {
    this.closed = true;
    for (const sink of this.sinks) sink.end();
    this.sinks.clear();
  }
}
