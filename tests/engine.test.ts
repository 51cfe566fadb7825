// The check engine driven as in production: the tick driver runs each due
// check as its own statement, so a check that outlives its timeout is
// cancelled and recorded while the others still report; overlapping ticks
// skip; only vigil_admin may register checks.
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { runTick } from '../src/tick.js';
import { runCli } from './helpers/cli.js';
import { databasesForThisFile, withClient } from './helpers/db.js';

const fresh = databasesForThisFile();

const FIXTURES = `
  create schema test;
  create function test.ok_check(p_params jsonb)
  returns table (series text, value double precision, labels jsonb, detail jsonb)
  language sql set search_path = '' as $$ select 'a'::text, 1::double precision, '{}'::jsonb, null::jsonb $$;
  create function test.slow_check(p_params jsonb)
  returns table (series text, value double precision, labels jsonb, detail jsonb)
  language sql set search_path = '' as $$ select 'slow'::text, 1::double precision, '{}'::jsonb, null::jsonb from pg_catalog.pg_sleep(30) $$;
  create function test.raising_check(p_params jsonb)
  returns table (series text, value double precision, labels jsonb, detail jsonb)
  language plpgsql set search_path = '' as $$ begin raise exception 'broken'; end $$;
  delete from vigil.checks;
  select vigil.add_check(p_name => 'a_ok', p_function => 'test.ok_check');
  select vigil.add_check(p_name => 'b_slow', p_function => 'test.slow_check', p_timeout => '300 milliseconds');
  select vigil.add_check(p_name => 'c_raises', p_function => 'test.raising_check');
  select vigil.add_check(p_name => 'd_ok', p_function => 'test.ok_check');
`;

describe('the tick driver', () => {
  test('a check that outlives its timeout is cancelled and recorded; one that raises too; the rest report', async () => {
    const db = await fresh();
    await db.query(FIXTURES);
    const started = Date.now();
    const r = await runTick({ databaseUrl: db.url, now: new Date('2026-03-10T12:00:00Z') });
    const elapsed = Date.now() - started;
    expect(r.skipped).toBe(false);
    expect(r.checks).toEqual([
      { name: 'a_ok', status: 'ok' },
      { name: 'b_slow', status: 'timeout' },
      { name: 'c_raises', status: 'error' },
      { name: 'd_ok', status: 'ok' },
    ]);
    expect(elapsed).toBeLessThan(10_000); // the 30 s sleep was interrupted
    const runs = await db.query('select check_name, status, sqlstate from vigil.check_runs order by check_name');
    expect(runs.rows).toEqual([
      { check_name: 'a_ok', status: 'ok', sqlstate: null },
      { check_name: 'b_slow', status: 'timeout', sqlstate: '57014' },
      { check_name: 'c_raises', status: 'error', sqlstate: 'P0001' },
      { check_name: 'd_ok', status: 'ok', sqlstate: null },
    ]);
    const slow = await db.query<{ ms: number }>(`select duration_ms as ms from vigil.check_runs where check_name = 'b_slow'`);
    expect(slow.rows[0]!.ms).toBeGreaterThanOrEqual(250);
    expect(slow.rows[0]!.ms).toBeLessThan(5_000);
    const state = await db.query(`select last_tick_at from vigil.tick_state`);
    expect(state.rows[0]?.last_tick_at).toEqual(new Date('2026-03-10T12:00:00Z'));
  });

  test('a check blocked on a lock is stopped by its lock_timeout, even inside one big vigil.tick()', async () => {
    const db = await fresh();
    await db.query(`
      create schema test;
      create table test.locked (x int);
      create function test.locking_check(p_params jsonb)
      returns table (series text, value double precision, labels jsonb, detail jsonb)
      language sql set search_path = '' as $$ select 'n'::text, pg_catalog.count(*)::double precision, '{}'::jsonb, null::jsonb from test.locked $$;
      delete from vigil.checks;
      select vigil.add_check(p_name => 'locking', p_function => 'test.locking_check', p_lock_timeout => '200 milliseconds');`);
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('begin; lock table test.locked in access exclusive mode');
      const started = Date.now();
      const tick = await db.query<{ t: { checks: number; failed: number } }>(`select vigil.tick('2026-03-10 12:00:00+00') as t`);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(tick.rows[0]!.t).toMatchObject({ checks: 1, failed: 1 });
      const run = await db.query(`select status, sqlstate from vigil.check_runs where check_name = 'locking'`);
      expect(run.rows).toEqual([{ status: 'timeout', sqlstate: '55P03' }]);
    } finally {
      await holder.end();
    }
  });

  test('an overlapping tick skips instead of running the checks twice', async () => {
    const db = await fresh();
    await db.query(FIXTURES.replace(/select vigil.add_check\(p_name => 'b_slow'.*\n/, '').replace(/select vigil.add_check\(p_name => 'c_raises'.*\n/, ''));
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query(`select vigil.tick('2026-03-10 12:00:00+00')`); // holds the tick lock until commit
      const second = await withClient(db.url, (c) => c.query<{ t: unknown }>(`select vigil.tick('2026-03-10 12:00:30+00') as t`));
      expect(second.rows[0]!.t).toEqual({ skipped: true, reason: 'another tick is running' });
      const driver = await runTick({ databaseUrl: db.url, now: new Date('2026-03-10T12:00:40Z') });
      expect(driver.skipped).toBe(true);
      await holder.query('commit');
    } finally {
      await holder.end();
    }
    const runs = await db.query<{ n: number }>('select count(*)::int as n from vigil.check_runs');
    expect(runs.rows[0]!.n).toBe(2); // a_ok and d_ok, once each
  });

  test('pgvigil tick runs one tick from the command line', async () => {
    const db = await fresh();
    await db.query(FIXTURES.replace(/select vigil.add_check\(p_name => 'b_slow'.*\n/, ''));
    const run = await runCli(['tick', '--database-url', db.url]);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { checks: Array<{ name: string; status: string }> };
    expect(out.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['a_ok:ok', 'c_raises:error', 'd_ok:ok']);
  });
});

describe('who may configure checks', () => {
  test('vigil_operator cannot register a check (raw SQL included), vigil_admin can, and nothing is written by the refusal', async () => {
    const db = await fresh();
    const suffix = db.name;
    await db.query(`
      create role "op_${suffix}" login in role vigil_operator;
      create role "admin_${suffix}" login in role vigil_admin;`);
    try {
      const asRole = (role: string) => {
        const u = new URL(db.url);
        u.username = role;
        return u.toString();
      };
      const attempt = `select vigil.add_check(p_name => 'injected', p_function => 'vigil.check_tick_lag')`;
      await expect(withClient(asRole(`op_${suffix}`), (c) => c.query(attempt))).rejects.toMatchObject({ code: '42501' });
      await expect(withClient(asRole(`op_${suffix}`), (c) => c.query(`insert into vigil.checks (name, function_name) values ('x', 'vigil.check_tick_lag')`))).rejects.toMatchObject({ code: '42501' });
      const none = await db.query(`select count(*)::int as n from vigil.checks where name in ('injected', 'x')`);
      expect(none.rows[0]?.n).toBe(0);
      await withClient(asRole(`admin_${suffix}`), (c) => c.query(attempt));
      await expect(withClient(asRole(`admin_${suffix}`), (c) => c.query(`delete from vigil.checks`))).rejects.toMatchObject({ code: '42501' });
      const added = await db.query(`select function_name from vigil.checks where name = 'injected'`);
      expect(added.rows).toEqual([{ function_name: 'vigil.check_tick_lag' }]);
      const readable = await withClient(asRole(`op_${suffix}`), (c) => c.query(`select count(*) from vigil.checks`));
      expect(readable.rowCount).toBe(1); // operators read (they include vigil_reader)
    } finally {
      await db.query(`drop owned by "op_${suffix}", "admin_${suffix}"; drop role "op_${suffix}"; drop role "admin_${suffix}"`);
    }
  });
});
