/**
 * Gathers concurrent requests into batches for one round trip each ("natural batching"): a request
 * starts a batch at once while fewer than `maxInFlight` batches are running; otherwise it waits, and
 * whatever waited goes together as the next batch when one finishes. An idle system therefore sends
 * each request alone, without delay, and a busy one sends them many at a time, with no timer in either
 * case.
 *
 * One batch in flight by default: every statement costs the database a wake-up, a parse of its message
 * and a commit, and costs the sender the write that wakes it (on a virtual machine, tens of µs), so
 * under load fewer, larger statements do the same work for less. Registration's returns benchmark
 * (bench/README.md, seventh session; with two smaller changes of the same commit) went from 2 to 1 at
 * about 30 µs less of PostgreSQL's CPU per return, and lower latency (p99 33–43 ms against 39–71).
 *
 * `run` answers each input of a batch, in order: a value, or an Error for that input alone. If `run`
 * itself throws, every input of the batch fails with that error.
 */
export class Coalescer<I, O> {
  private readonly waiting: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly run: (inputs: readonly I[]) => Promise<readonly (O | Error)[]>,
    options: {
      readonly maxBatch?: number;
      readonly maxInFlight?: number;
      /**
       * Inputs with the same key never share a batch (two appends to one stream, say): the later one
       * waits for the next batch, so the two keep their order.
       */
      readonly key?: (input: I) => string;
    } = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.maxInFlight = options.maxInFlight ?? 1;
    this.key = options.key;
  }

  private readonly key: ((input: I) => string) | undefined;

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.runBatch(batch);
    }
  }

  /** The oldest waiting inputs, up to maxBatch, one per key. */
  private take(): typeof this.waiting {
    if (!this.key) return this.waiting.splice(0, this.maxBatch);
    const batch: typeof this.waiting = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.waiting.length && batch.length < this.maxBatch;) {
      const key = this.key(this.waiting[i]!.input);
      if (keys.has(key)) {
        i++;
        continue;
      }
      keys.add(key);
      batch.push(...this.waiting.splice(i, 1));
    }
    return batch;
  }

  private async runBatch(batch: typeof this.waiting): Promise<void> {
    try {
      const outputs = await this.run(batch.map((b) => b.input));
      if (outputs.length !== batch.length) throw new Error(`a batch of ${batch.length} was answered with ${outputs.length} results`);
      batch.forEach((b, i) => {
        const output = outputs[i]!;
        if (output instanceof Error) b.reject(output);
        else b.resolve(output);
      });
    } catch (error) {
      for (const b of batch) b.reject(error);
    } finally {
      this.inFlight--;
      this.dispatch();
    }
  }
}
