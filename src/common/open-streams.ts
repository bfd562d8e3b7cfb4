import { Injectable } from '@nestjs/common';

/**
 * Long-lived responses (the leader's server-sent events) register a closer here. Graceful
 * shutdown ends them first: otherwise they count as requests in flight and hold the shutdown up
 * for the whole SHUTDOWN_TIMEOUT_MS.
 */
@Injectable()
export class OpenStreams {
  private readonly closers = new Set<() => void>();

  register(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  closeAll(): void {
    for (const close of [...this.closers]) close();
  }
}
