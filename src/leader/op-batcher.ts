import type { OpDto, OpResultDto } from '../storage/dto/ops.dto.js';

/** Sends one batch of ops to one node; answers one result per op, in order. */
export type SendBatch = (url: string, ops: OpDto[], requestIds: string[]) => Promise<OpResultDto[]>;

interface Pending {
  op: OpDto;
  requestId?: string;
  resolve(result: OpResultDto): void;
  reject(error: unknown): void;
}

/** A batch being filled: its ops and the UTF-8 bytes of their keys and values. */
interface Batch {
  readonly items: Pending[];
  bytes: number;
}

export interface BatchLimits {
  /** Ops per batch at most. */
  readonly maxOps: number;
  /**
   * Key and value bytes per batch at most (a single op bigger than this still goes, alone): the
   * node's JSON body limit must hold the batch (AppModule's bodyLimit, MAX_VALUE_BYTES worst-case
   * escaped), so a batch carries at most MAX_VALUE_BYTES of keys and values.
   */
  readonly maxBytes?: number;
  /** Batches per node sent and not answered at once; beyond that the next batch keeps filling. */
  readonly maxInFlight?: number;
}

function bytesOf(op: OpDto): number {
  return Buffer.byteLength(op.key, 'utf8') + (op.value === undefined ? 0 : Buffer.byteLength(op.value, 'utf8'));
}

/**
 * Request batching ("Request Pipeline"): the ops bound for one storage node during one turn of the
 * event loop go out as one internal request (one commit on the node), flushed when the turn ends
 * or as soon as it is full (`maxOps` ops, or `maxBytes` of keys and values). While `maxInFlight` batches to a node are unanswered, the
 * next one keeps filling and goes out when one of them is answered (or when it is full): under
 * load batches grow instead of requests multiplying, as a log's group commit does; a lone op
 * never waits. Batches leave in the order they were opened, ops keep their order within a batch,
 * and each op gets its own result: an op the node refuses fails alone; a batch the node never
 * answers fails every op in it, as one request each would have. `schedule` is setImmediate
 * outside tests.
 */
export class OpBatcher {
  /** The batch being filled per node URL; it leaves this map when it is sent. */
  private readonly filling = new Map<string, Batch>();
  /** Batches sent per node URL and not answered yet. */
  private readonly inFlight = new Map<string, number>();
  private readonly maxBytes: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly send: SendBatch,
    private readonly limits: BatchLimits,
    private readonly schedule: (flush: () => void) => void = setImmediate,
  ) {
    this.maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
    this.maxInFlight = limits.maxInFlight ?? Number.POSITIVE_INFINITY;
  }

  submit(url: string, op: OpDto, requestId?: string): Promise<OpResultDto> {
    return new Promise((resolve, reject) => {
      const bytes = bytesOf(op);
      let batch = this.filling.get(url);
      if (batch && batch.bytes + bytes > this.maxBytes) {
        this.flush(url, batch, true); // full: this op starts the next batch
        batch = this.filling.get(url);
      }
      if (!batch) {
        const opened: Batch = { items: [], bytes: 0 };
        this.filling.set(url, opened);
        this.schedule(() => this.flush(url, opened));
        batch = opened;
      }
      batch.items.push({ op, requestId, resolve, reject });
      batch.bytes += bytes;
      if (batch.items.length >= this.limits.maxOps) this.flush(url, batch, true);
    });
  }

  /** Sends the batch, unless it was sent already, or the node has maxInFlight batches unanswered and it is not `full`. */
  private flush(url: string, batch: Batch, full = false): void {
    if (this.filling.get(url) !== batch) return; // already sent when it filled up
    const inFlight = this.inFlight.get(url) ?? 0;
    if (inFlight >= this.maxInFlight && !full) return; // sent when one in flight is answered
    this.filling.delete(url);
    this.inFlight.set(url, inFlight + 1);
    const requestIds = [...new Set(batch.items.flatMap((p) => (p.requestId === undefined ? [] : [p.requestId])))];
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
      batch.items.map((p) => p.op),
      requestIds,
    ).then(
      (results) => {
        answered();
        batch.items.forEach((pending, i) => {
          const result = results[i];
          if (result) pending.resolve(result);
          else
            pending.reject(
              new Error(`the node answered ${results.length} results for a batch of ${batch.items.length}`),
            );
        });
      },
      (error: unknown) => {
        answered();
        batch.items.forEach((pending) => pending.reject(error));
      },
    );
  }
}
