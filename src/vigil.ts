// The worker's SQL: one method per vigil function, called with named
// arguments and explicit casts. Every decision (what is due, what a failure
// means, when to retry) is made by the function; these methods only carry
// values across.
import type pg from 'pg';

export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.Client, 'query'> | Pick<pg.PoolClient, 'query'>;

/** One row of vigil.claim_deliveries. */
export interface ClaimedRow {
  id: string;
  channel: string;
  kind: 'alerts' | 'escalation' | 'heartbeat';
  idempotency_key: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  lease_expires_at: Date;
  channel_kind: string;
  target: string;
  secret_ref: string | null;
  allow_private: boolean;
  rate_limit_per_minute: number | null;
}

/** What vigil.settle_delivery is told about one attempt. */
export interface Settlement {
  outcome: 'delivered' | 'retry' | 'dead';
  httpStatus?: number | null;
  error?: string | null;
  latencyMs?: number | null;
  responseExcerpt?: string | null;
  retryAfterMs?: number | null;
}

/** The row as vigil.settle_delivery left it. */
export interface SettledRow {
  id: string;
  status: 'pending' | 'delivering' | 'delivered' | 'dead';
  attempts: number;
  available_at: Date;
  last_error: string | null;
}

const ms = (value: number | null | undefined): string | null => (value == null ? null : `${Math.max(0, value)} milliseconds`);

export class VigilSql {
  constructor(private readonly db: Queryable) {}

  async claimDeliveries(worker: string, limit: number, leaseMs: number, skipChannels: string[] = []): Promise<ClaimedRow[]> {
    const r = await this.db.query<ClaimedRow>({
      name: 'vigil.claim_deliveries',
      text: `select * from vigil.claim_deliveries(p_worker => $1::text, p_limit => $2::integer, p_lease => $3::interval,
                                            p_skip_channels => $4::text[])`,
      values: [worker, limit, ms(leaseMs), skipChannels],
    });
    return r.rows;
  }

  async settleDelivery(id: string, worker: string, s: Settlement): Promise<SettledRow> {
    const r = await this.db.query<SettledRow>({
      name: 'vigil.settle_delivery',
      text: `select id, status, attempts, available_at, last_error
         from vigil.settle_delivery(p_id => $1::bigint, p_worker => $2::text, p_outcome => $3::text,
                                    p_http_status => $4::integer, p_error => $5::text, p_latency_ms => $6::double precision,
                                    p_response_excerpt => $7::text, p_retry_after => $8::interval)`,
      values: [id, worker, s.outcome, s.httpStatus ?? null, s.error ?? null, s.latencyMs ?? null, s.responseExcerpt ?? null, ms(s.retryAfterMs)],
    });
    return r.rows[0]!;
  }

  /** Settles many rows in one round trip (vigil.settle_deliveries); rows this worker lost come back with lease_lost. */
  async settleDeliveries(worker: string, items: Array<{ id: string; s: Settlement }>): Promise<Array<SettledRow & { lease_lost: boolean }>> {
    const r = await this.db.query<SettledRow & { lease_lost: boolean }>({
      name: 'vigil.settle_deliveries',
      text: `select id, status, available_at, last_error, lease_lost
               from vigil.settle_deliveries(p_worker => $1::text, p_ids => $2::bigint[], p_outcomes => $3::text[],
                                            p_http_statuses => $4::integer[], p_errors => $5::text[],
                                            p_latencies_ms => $6::double precision[], p_response_excerpts => $7::text[],
                                            p_retry_afters => $8::interval[])`,
      values: [
        worker,
        items.map((i) => i.id),
        items.map((i) => i.s.outcome),
        items.map((i) => i.s.httpStatus ?? null),
        items.map((i) => i.s.error ?? null),
        items.map((i) => i.s.latencyMs ?? null),
        items.map((i) => i.s.responseExcerpt ?? null),
        items.map((i) => ms(i.s.retryAfterMs)),
      ],
    });
    return r.rows;
  }

  async deferDelivery(id: string, worker: string, until: Date, reason: string): Promise<void> {
    await this.db.query(
      `select vigil.defer_delivery(p_id => $1::bigint, p_worker => $2::text, p_until => $3::timestamptz, p_reason => $4::text)`,
      [id, worker, until, reason],
    );
  }

  async releaseLeases(worker: string): Promise<number> {
    const r = await this.db.query<{ n: number }>(`select vigil.release_leases(p_worker => $1::text) as n`, [worker]);
    return r.rows[0]!.n;
  }

  /** Rows waiting per channel (vigil.delivery_backlog), for the backlog gauge. */
  async deliveryBacklog(): Promise<Array<{ channel: string; pending: string; delivering: string }>> {
    const r = await this.db.query<{ channel: string; pending: string; delivering: string }>(
      `select channel, pending, delivering from vigil.delivery_backlog`,
    );
    return r.rows;
  }

  /** Whether rotation (hourly) and housekeeping (daily) are due, from when they last ran (vigil._upkeep_due). */
  async upkeepDue(): Promise<{ rotate: boolean; housekeeping: boolean }> {
    const r = await this.db.query<{ rotate: boolean; housekeeping: boolean }>(`select rotate, housekeeping from vigil._upkeep_due()`);
    return r.rows[0]!;
  }

  /** Premakes and expires partitions (vigil.rotate_partitions); returns what it did. */
  async rotatePartitions(): Promise<Array<{ parent: string; action: string; partition: string; detail: string | null }>> {
    const r = await this.db.query<{ parent: string; action: string; partition: string; detail: string | null }>(
      `select parent, action, partition, detail from vigil.rotate_partitions()`,
    );
    return r.rows;
  }

  /** Deletes what is past its retention (vigil.run_housekeeping); returns the counts. */
  async runHousekeeping(): Promise<unknown> {
    const r = await this.db.query<{ result: unknown }>(`select vigil.run_housekeeping() as result`);
    return r.rows[0]!.result;
  }

  /**
   * Whether the worker's scheduler should tick now (tick mode auto): pg_cron has not run vigil.tick()
   * lately (vigil._worker_should_tick); with when pg_cron last did, null if never.
   */
  async workerShouldTick(): Promise<{ should_tick: boolean; last_cron_tick_at: Date | null }> {
    const r = await this.db.query<{ should_tick: boolean; last_cron_tick_at: Date | null }>(
      `select should_tick, last_cron_tick_at from vigil._worker_should_tick()`,
    );
    return r.rows[0]!;
  }
}
