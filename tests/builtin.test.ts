// Every built-in check is registered by default and runs without error on
// this server (the version matrix repeats this on PostgreSQL 14 to 18).
import { describe, expect, test } from 'vitest';
import { runTick } from '../src/tick.js';
import { databasesForThisFile } from './helpers/db.js';

const fresh = databasesForThisFile();

// Every system check that ships, by function: registration is pinned here so
// that a check dropped from migrations/0003 by accident fails a test.
const SHIPPED = [
  'vigil.check_analyze_staleness',
  'vigil.check_blocked_sessions',
  'vigil.check_cache_hit_ratio',
  'vigil.check_check_errors',
  'vigil.check_connections',
  'vigil.check_cron_job_failures',
  'vigil.check_database_size',
  'vigil.check_dead_tuples',
  'vigil.check_deadlocks',
  'vigil.check_default_partitions',
  'vigil.check_disabled_triggers',
  'vigil.check_duplicate_indexes',
  'vigil.check_idle_in_transaction',
  'vigil.check_invalid_indexes',
  'vigil.check_long_queries',
  'vigil.check_long_transactions',
  'vigil.check_maintenance_job_failures',
  'vigil.check_multixact_wraparound',
  'vigil.check_prepared_transactions',
  'vigil.check_replication_lag',
  'vigil.check_replication_slots',
  'vigil.check_requested_checkpoints',
  'vigil.check_rollback_ratio',
  'vigil.check_sequence_exhaustion',
  'vigil.check_statement_outliers',
  'vigil.check_table_bloat',
  'vigil.check_tick_lag',
  'vigil.check_unused_indexes',
  'vigil.check_wal_archiving',
  'vigil.check_xid_wraparound',
].map((function_name) => ({ name: function_name.slice('vigil.check_'.length), function_name }));

describe('built-in checks', () => {
  test('exactly the shipped checks are registered by default, each under its own name', async () => {
    const db = await fresh();
    const r = await db.query<{ name: string; function_name: string }>(
      'select name, function_name from vigil.checks where builtin order by name',
    );
    expect(r.rows).toEqual(SHIPPED);
  });

  test('every function in sql/functions/checks is registered, enabled, and runs ok in one tick', async () => {
    const db = await fresh();
    const fns = await db.query<{ fn: string }>(
      `select 'vigil.' || p.proname as fn from pg_catalog.pg_proc p
        where p.pronamespace = 'vigil'::regnamespace and p.proname like 'check\\_%' order by 1`,
    );
    const registered = await db.query<{ function_name: string; builtin: boolean; enabled: boolean }>(
      'select function_name, builtin, enabled from vigil.checks',
    );
    const templates = new Set(['custom_value', 'error_ratio', 'freshness', 'latency_vs_baseline', 'queue_health', 'row_count', 'sum_vs_baseline'].map((t) => `vigil.check_${t}`));
    const systemChecks = fns.rows.map((r) => r.fn).filter((fn) => !templates.has(fn));
    const builtin = new Set(registered.rows.filter((r) => r.builtin && r.enabled).map((r) => r.function_name));
    expect(systemChecks.filter((fn) => !builtin.has(fn))).toEqual([]);

    const r = await runTick({ databaseUrl: db.url, now: new Date('2026-03-10T12:00:00Z') });
    expect(r.checks.length).toBe(registered.rows.filter((x) => x.enabled).length);
    const failed = await db.query('select check_name, status, error from vigil.check_runs where status <> $1', ['ok']);
    expect(failed.rows).toEqual([]);
  });
});
