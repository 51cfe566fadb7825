// The tick driver: runs one tick with each due check as its own top-level
// statement, so that each check's statement_timeout really interrupts it
// (PostgreSQL arms statement_timeout per top-level statement; a value set
// inside vigil.tick() could not). Then vigil.tick() runs the rest of the
// pipeline. Used by `pgvigil tick` and by the worker's scheduler.
import type pg from 'pg';
import { connect } from './connection.js';

/** "vigtick" in ASCII: the lock vigil.tick() takes. */
export const TICK_LOCK_KEY = '33329940307469163';

export interface TickResult {
  skipped: boolean;
  checks: Array<{ name: string; status: string }>;
  summary: unknown;
}

export async function runTickOn(client: pg.Client, now?: Date): Promise<TickResult> {
  const locked = await client.query<{ ok: boolean }>('select pg_catalog.pg_try_advisory_lock($1::bigint) as ok', [TICK_LOCK_KEY]);
  if (!locked.rows[0]?.ok) return { skipped: true, checks: [], summary: { skipped: true } };
  try {
    const at = (await client.query<{ at: Date }>('select coalesce($1::timestamptz, pg_catalog.now()) as at', [now ?? null])).rows[0]!.at;
    const due = await client.query<{ name: string; timeout_ms: string }>(
      `select d.name, (pg_catalog.date_part('epoch', d.timeout) * 1000)::bigint::text as timeout_ms
         from vigil.due_checks($1::timestamptz) d`,
      [at],
    );
    const checks: TickResult['checks'] = [];
    for (const check of due.rows) {
      await client.query(`select pg_catalog.set_config('statement_timeout', $1::text, false)`, [check.timeout_ms]);
      try {
        const r = await client.query<{ status: string }>('select vigil.run_check(p_name => $1::text, p_now => $2::timestamptz) as status', [check.name, at]);
        checks.push({ name: check.name, status: r.rows[0]!.status });
      } finally {
        await client.query(`reset statement_timeout`);
      }
    }
    const summary = await client.query<{ tick: unknown }>('select vigil.tick(p_now => $1::timestamptz) as tick', [at]);
    return { skipped: false, checks, summary: summary.rows[0]!.tick };
  } finally {
    await client.query('select pg_catalog.pg_advisory_unlock($1::bigint)', [TICK_LOCK_KEY]);
  }
}

export async function runTick(options: { databaseUrl?: string; now?: Date } = {}): Promise<TickResult> {
  const client = await connect(options.databaseUrl);
  try {
    return await runTickOn(client, options.now);
  } finally {
    await client.end();
  }
}
