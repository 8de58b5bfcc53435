/**
 * Throttles guessing on the public verification endpoint: a token bucket per client address, one token
 * per failed code, refilled evenly over the window. An address whose bucket is empty is refused every
 * verification (429 with Retry-After) until a token is back — also with a right code, or guessing would go
 * on. Kept in the process's memory: several processes each allow their own budget, which multiplies it by
 * the number of API processes (a handful), still far from what 50-bit codes would need.
 */
export class FailureThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly refillPerMs: number;

  constructor(
    private readonly capacity: number,
    windowSeconds: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.refillPerMs = capacity / (windowSeconds * 1000);
  }

  private bucket(address: string) {
    const now = this.now();
    const b = this.buckets.get(address) ?? { tokens: this.capacity, at: now };
    b.tokens = Math.min(this.capacity, b.tokens + (now - b.at) * this.refillPerMs);
    b.at = now;
    this.buckets.set(address, b);
    if (this.buckets.size > 100_000) this.forgetFull();
    return b;
  }

  /** Seconds until the address may try again; 0 when it may now. */
  retryAfter(address: string): number {
    const b = this.bucket(address);
    return b.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / this.refillPerMs / 1000));
  }

  /** Counts a failed code against the address. */
  failed(address: string): void {
    const b = this.bucket(address);
    b.tokens = Math.max(0, b.tokens - 1);
  }

  /** Addresses back at full budget hold nothing worth remembering. */
  private forgetFull(): void {
    for (const [address, b] of this.buckets) if (b.tokens >= this.capacity) this.buckets.delete(address);
  }
}
