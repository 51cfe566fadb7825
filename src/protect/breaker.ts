// A circuit breaker per channel: when a receiver keeps failing, stop sending
// to it for a while (its deliveries wait in the outbox, retried later) rather
// than spend every attempt and the worker's time on timeouts.

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Outcomes remembered (the rolling window). */
  window?: number;
  /** Outcomes needed in the window before the breaker may open (issue 6: 10). */
  minAttempts?: number;
  /** Failure share that opens it (issue 6: 0.7). */
  failureRatio?: number;
  /** How long it stays open before letting one trial through. */
  openMs?: number;
  /** Milliseconds, injectable for tests. */
  clock?: () => number;
}

export class CircuitBreaker {
  private readonly window: number;
  private readonly minAttempts: number;
  private readonly failureRatio: number;
  private readonly openMs: number;
  private readonly clock: () => number;
  private current: BreakerState = 'closed';
  private outcomes: boolean[] = [];
  private openedAt = 0;
  private trialAt: number | null = null;

  constructor(options: BreakerOptions = {}) {
    this.window = options.window ?? 20;
    this.minAttempts = options.minAttempts ?? 10;
    this.failureRatio = options.failureRatio ?? 0.7;
    this.openMs = options.openMs ?? 30_000;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** For the metrics gauge; an open breaker whose timeout has passed reads half-open. */
  get state(): BreakerState {
    if (this.current === 'open' && this.clock() - this.openedAt >= this.openMs) {
      this.current = 'half-open';
      this.trialAt = null;
    }
    return this.current;
  }

  /**
   * Whether to send now. In half-open it hands out a single trial: call
   * record() with its outcome. A trial never recorded (its sender died) is
   * given up after openMs, so the breaker cannot stay stuck.
   */
  canSend(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const now = this.clock();
    if (this.trialAt !== null && now - this.trialAt < this.openMs) return false;
    this.trialAt = now;
    return true;
  }

  record(ok: boolean): void {
    const state = this.state;
    if (state === 'half-open') {
      if (this.trialAt === null) return; // not the trial: a send from before the breaker opened
      if (ok) {
        this.current = 'closed';
        this.outcomes = [];
      } else {
        this.open();
      }
      this.trialAt = null;
      return;
    }
    // Outcomes of sends started before the breaker opened change nothing.
    if (state === 'open') return;
    this.outcomes.push(ok);
    if (this.outcomes.length > this.window) this.outcomes.shift();
    const failures = this.outcomes.filter((o) => !o).length;
    if (this.outcomes.length >= this.minAttempts && failures / this.outcomes.length >= this.failureRatio) this.open();
  }

  private open(): void {
    this.current = 'open';
    this.openedAt = this.clock();
  }
}
