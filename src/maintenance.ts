// The maintenance runner: one pass over vigil.due_maintenance(). VACUUM
// cannot run inside a function or a transaction block, so SQL only plans;
// each statement runs here as its own top-level statement (autocommit), as
// the job's run_as role, and is then recorded with
// vigil.record_maintenance_run (a failure makes the maintenance_job_failures
// check fire). Used by `pgvigil maintain` and by the worker's scheduler after
// each tick. See docs/maintenance.md.
import type pg from 'pg';
import { connect } from './connection.js';

/** "vigmaint" in ASCII: one pass at a time, across workers and pgvigil maintain. */
export const MAINTENANCE_LOCK_KEY = '8532464688513511028';

export interface MaintenanceRun {
  job: string;
  statement: string | null;
  status: 'ok' | 'error' | 'skipped';
  error?: string;
  sqlstate?: string;
  ms: number;
}

export interface MaintenanceResult {
  skipped: boolean;
  runs: MaintenanceRun[];
}

interface Notice {
  severity?: string;
  message?: string;
  code?: string;
}

interface Due {
  job: string;
  statement: string | null;
  run_as: string;
  detail: unknown;
}

/**
 * One pass on this connection. `stop` is asked before each statement: when
 * it says true, the pass ends there and the remaining statements stay due.
 */
export async function runMaintenanceOn(client: pg.ClientBase, now?: Date, stop: () => boolean = () => false): Promise<MaintenanceResult> {
  const locked = await client.query<{ ok: boolean }>('select pg_catalog.pg_try_advisory_lock($1::bigint) as ok', [MAINTENANCE_LOCK_KEY]);
  if (!locked.rows[0]?.ok) return { skipped: true, runs: [] };
  try {
    const at = (await client.query<{ at: Date }>('select coalesce($1::timestamptz, pg_catalog.now()) as at', [now ?? null])).rows[0]!.at;
    const due = await client.query<Due>('select d.job, d.statement, d.run_as, d.detail from vigil.due_maintenance($1::timestamptz) d', [at]);
    const runs: MaintenanceRun[] = [];
    for (const row of due.rows) {
      if (stop()) break;
      const started = new Date();
      let run: MaintenanceRun;
      if (row.statement === null) {
        run = { job: row.job, statement: null, status: 'skipped', ms: 0 };
      } else {
        try {
          // SET ROLE: the job runs with the privileges of the role that added it.
          await client.query(`select pg_catalog.set_config('role', $1::text, false)`, [row.run_as]);
          // VACUUM and ANALYZE do not fail on a table the role may not
          // maintain: they skip it with a WARNING. Any WARNING fails the run.
          const warnings: Notice[] = [];
          const onNotice = (n: Notice) => {
            if (n.severity === 'WARNING') warnings.push(n);
          };
          client.on('notice', onNotice);
          let leftOpen = false;
          try {
            await client.query(row.statement);
          } finally {
            client.off('notice', onNotice);
            // A sql job that opened a transaction (BEGIN without COMMIT) must
            // not hold it, nor take the record into it: roll it back, as failed.
            const tx = (client as { getTransactionStatus?: () => string | null }).getTransactionStatus?.();
            if (tx === 'T' || tx === 'E') {
              leftOpen = true;
              await client.query('rollback');
            }
            await client.query('reset role');
          }
          if (leftOpen) warnings.push({ severity: 'WARNING', code: '25001', message: 'the statement left a transaction open: it was rolled back' });
          const ms = Date.now() - started.getTime();
          run = warnings.length === 0
            ? { job: row.job, statement: row.statement, status: 'ok', ms }
            : { job: row.job, statement: row.statement, status: 'error', ms,
                error: warnings.map((w) => `WARNING: ${w.message}`).join('\n'),
                sqlstate: warnings.some((w) => /permission denied|owner/i.test(w.message ?? '')) ? '42501' : (warnings.at(-1)!.code ?? '01000') };
        } catch (e) {
          const err = e as { message?: string; code?: string };
          run = { job: row.job, statement: row.statement, status: 'error', error: err.message ?? String(e), sqlstate: err.code, ms: Date.now() - started.getTime() };
        }
      }
      const finished = new Date(Math.max(Date.now(), started.getTime()));
      await client.query(
        `select vigil.record_maintenance_run(p_job => $1, p_statement => $2, p_status => $3, p_started_at => $4, p_finished_at => $5,
                                             p_error => $6, p_sqlstate => $7, p_run_as => $8, p_detail => $9::jsonb, p_now => $10)`,
        [row.job, row.statement, run.status, started, finished, run.error ?? null, run.sqlstate ?? null,
         row.statement === null ? null : row.run_as, row.detail === null ? null : JSON.stringify(row.detail), at],
      );
      runs.push(run);
    }
    return { skipped: false, runs };
  } finally {
    await client.query('select pg_catalog.pg_advisory_unlock($1::bigint)', [MAINTENANCE_LOCK_KEY]);
  }
}

export async function runMaintenance(options: { databaseUrl?: string; now?: Date } = {}): Promise<MaintenanceResult> {
  const client = await connect(options.databaseUrl);
  try {
    return await runMaintenanceOn(client, options.now);
  } finally {
    await client.end();
  }
}
