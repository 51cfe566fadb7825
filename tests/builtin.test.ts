// Every built-in check is registered by default and runs without error on
// this server (the version matrix repeats this on PostgreSQL 14 to 18).
import { describe, expect, test } from 'vitest';
import { runTick } from '../src/tick.js';
import { databasesForThisFile } from './helpers/db.js';

const fresh = databasesForThisFile();

describe('built-in checks', () => {
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
