// Per-channel rate limits: a token bucket in front of each channel, so an
// alert storm is paced to what the receiver accepts instead of being answered
// with 429s (which would still be retried, but later and noisily).

/**
 * Sends per second by channel kind, when the channel sets no
 * rate_limit_per_minute. Slack, PagerDuty and Teams are issue 6's defaults.
 */
export const DEFAULT_RATES = {
  slack: 1,
  pagerduty: 2,
  teams: 4,
  // Discord allows about 5 requests per 2 s per webhook: 2/s with a burst of
  // 1 sends at most 5 in any 2 s window.
  discord: 2,
  // Our own receivers: no documented limit, and a limit here would only cap
  // throughput (issue 6 benchmarks 3,000 deliveries/s to a webhook). A
  // channel that needs one sets rate_limit_per_minute.
  webhook: Infinity,
  alertmanager: Infinity,
} as const;

export type ChannelKind = keyof typeof DEFAULT_RATES;

/** A channel's sends per second: its own rate_limit_per_minute, else its kind's default. */
export function channelRate(kind: ChannelKind, rateLimitPerMinute: number | null | undefined): number {
  return rateLimitPerMinute != null && rateLimitPerMinute > 0 ? rateLimitPerMinute / 60 : DEFAULT_RATES[kind];
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  /** burst: tokens held at most (and at start). clock: milliseconds, injectable for tests. */
  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError(`bad token bucket: ${ratePerSecond}/s, burst ${burst}`);
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes a token and returns 0, or takes nothing and returns the milliseconds until one is available. */
  take(): number {
    if (this.ratePerSecond === Infinity) return 0;
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** The milliseconds until n tokens would be available, reserving nothing. */
  wouldWait(n = 1): number {
    if (this.ratePerSecond === Infinity) return 0;
    const tokens = Math.min(this.burst, this.tokens + ((this.clock() - this.last) * this.ratePerSecond) / 1000);
    return tokens >= n ? 0 : Math.ceil(((n - tokens) * 1000) / this.ratePerSecond);
  }

  /**
   * Reserves n tokens, going into debt, and returns the milliseconds to wait
   * before using them; reserves nothing and returns null when that wait
   * would exceed maxWaitMs. Waiters are served in the order they reserved,
   * each spaced 1/rate apart, with no herd of retries on take().
   */
  reserve(n = 1, maxWaitMs = Infinity): number | null {
    if (this.ratePerSecond === Infinity) return 0;
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
    const after = this.tokens - n;
    const wait = after >= 0 ? 0 : Math.ceil((-after * 1000) / this.ratePerSecond);
    if (wait > maxWaitMs) return null;
    this.tokens = after;
    return wait;
  }
}

/** The bucket for one channel. Burst 1: providers count over short windows, and a burst is what trips them. */
export function bucketFor(kind: ChannelKind, rateLimitPerMinute?: number | null, clock?: () => number): TokenBucket {
  return new TokenBucket(channelRate(kind, rateLimitPerMinute), 1, clock);
}
