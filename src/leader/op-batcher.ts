import type { OpDto, OpResultDto } from '../storage/dto/ops.dto.js';

/** Sends one batch of ops to one node; answers one result per op, in order. */
export type SendBatch = (url: string, ops: OpDto[], requestIds: string[]) => Promise<OpResultDto[]>;

interface Pending {
  op: OpDto;
  requestId?: string;
  resolve(result: OpResultDto): void;
  reject(error: unknown): void;
}

/**
 * Request batching ("Request Pipeline"): the ops bound for one storage node during one turn of the
 * event loop go out as one internal request (one commit on the node), flushed when the turn ends
 * or as soon as `maxBatch` ops wait. While `maxInFlight` batches to a node are unanswered, the
 * next one keeps filling and goes out when one of them is answered (or when it is full): under
 * load batches grow instead of requests multiplying, as a log's group commit does; a lone op
 * never waits. Batches leave in the order they were opened, ops keep their order within a batch,
 * and each op gets its own result: an op the node refuses fails alone; a batch the node never
 * answers fails every op in it, as one request each would have. `schedule` is setImmediate
 * outside tests.
 */
export class OpBatcher {
  /** The batch being filled per node URL; it leaves this map when it is sent. */
  private readonly filling = new Map<string, Pending[]>();
  /** Batches sent per node URL and not answered yet. */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly send: SendBatch,
    private readonly maxBatch: number,
    private readonly maxInFlight = Number.POSITIVE_INFINITY,
    private readonly schedule: (flush: () => void) => void = setImmediate,
  ) {}

  submit(url: string, op: OpDto, requestId?: string): Promise<OpResultDto> {
    return new Promise((resolve, reject) => {
      let batch = this.filling.get(url);
      if (!batch) {
        const opened: Pending[] = [];
        this.filling.set(url, opened);
        this.schedule(() => this.flush(url, opened));
        batch = opened;
      }
      batch.push({ op, requestId, resolve, reject });
      if (batch.length >= this.maxBatch) this.flush(url, batch);
    });
  }

  private flush(url: string, batch: Pending[]): void {
    if (this.filling.get(url) !== batch) return; // already sent when it filled up
    const inFlight = this.inFlight.get(url) ?? 0;
    if (inFlight >= this.maxInFlight && batch.length < this.maxBatch) return; // sent when one in flight is answered
    this.filling.delete(url);
    this.inFlight.set(url, inFlight + 1);
    const requestIds = [...new Set(batch.flatMap((p) => (p.requestId === undefined ? [] : [p.requestId])))];
    // The next batch goes out as soon as this one is answered, before its callers go on.
    const answered = (): void => {
      const left = (this.inFlight.get(url) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(url);
      else this.inFlight.set(url, left);
      const waiting = this.filling.get(url);
      if (waiting) this.flush(url, waiting);
    };
    this.send(
      url,
      batch.map((p) => p.op),
      requestIds,
    ).then(
      (results) => {
        answered();
        batch.forEach((pending, i) => {
          const result = results[i];
          if (result) pending.resolve(result);
          else pending.reject(new Error(`the node answered ${results.length} results for a batch of ${batch.length}`));
        });
      },
      (error: unknown) => {
        answered();
        batch.forEach((pending) => pending.reject(error));
      },
    );
  }
}
