// `pgvigil status`, run as a user would: the firing alerts of vigil.status
// as a table, most severe first, or as JSON with every column; the all-clear
// line when nothing is pending or firing.
import { describe, expect, test } from 'vitest';
import { runCli } from './helpers/cli.js';
import { databasesForThisFile } from './helpers/db.js';

const fresh = databasesForThisFile();

// Two checks that fire on their first tick: a warning and a critical one.
const FIXTURES = `
  create schema test;
  create function test.lag_check(p_params jsonb)
  returns table (series text, value double precision, labels jsonb, detail jsonb)
  language sql set search_path = '' as $$ select 'replica1'::text, 42.123456::double precision, '{}'::jsonb, null::jsonb $$;
  create function test.disk_check(p_params jsonb)
  returns table (series text, value double precision, labels jsonb, detail jsonb)
  language sql set search_path = '' as $$ select 'pg_default'::text, 97::double precision, '{}'::jsonb, null::jsonb $$;
  delete from vigil.checks;
  select vigil.add_check(p_name => 'a_lag', p_function => 'test.lag_check', p_warning => 30, p_critical => 60);
  select vigil.add_check(p_name => 'z_disk', p_function => 'test.disk_check', p_warning => 80, p_critical => 95);
  select vigil.tick(now() - interval '5 minutes');
`;

describe('pgvigil status', () => {
  test('shows firing alerts as a table, critical first', async () => {
    const db = await fresh();
    await db.query(FIXTURES);
    const run = await runCli(['status', '--database-url', db.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^check_name\s+series\s+state\s+severity\s+value\s+since\s+duration\s+acked_by\s+flapping$/);
    expect(lines[1]).toMatch(/^-+( +-+){8}$/);
    // The critical one first, although its check sorts last.
    expect(lines[2]).toMatch(/^z_disk\s+pg_default\s+firing\s+critical\s+97\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+00:0[45]:\d\d$/);
    expect(lines[3]).toMatch(/^a_lag\s+replica1\s+firing\s+warning\s+42\.12\s+/);
    // The columns line up under their headers.
    expect(lines[2]!.indexOf('critical')).toBe(lines[0]!.indexOf('severity'));
    expect(lines[3]!.indexOf('42.12')).toBe(lines[0]!.indexOf('value'));
  });

  test('--json prints every column of vigil.status', async () => {
    const db = await fresh();
    await db.query(FIXTURES);
    const run = await runCli(['status', '--json'], { env: { DATABASE_URL: db.url } });
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.check_name, r.series, r.state, r.severity, r.value])).toEqual([
      ['z_disk', 'pg_default', 'firing', 'critical', 97],
      ['a_lag', 'replica1', 'firing', 'warning', 42.123456],
    ]);
    const columns = (await db.query<{ c: string }>(
      `select attname as c from pg_catalog.pg_attribute
        where attrelid = 'vigil.status'::regclass and attnum > 0 and not attisdropped order by attnum`,
    )).rows.map((r) => r.c);
    expect(Object.keys(rows[0]!)).toEqual(columns);
    expect(rows[0]).toMatchObject({ critical: 95, warning: 80, acked_by: null, flapping: false });
    expect(rows[0]!.duration).toMatch(/^00:0[45]:\d\d$/);
    expect(new Date(rows[0]!.since as string).getTime()).toBeLessThan(Date.now());
  });

  test('a database with nothing pending or firing is all clear', async () => {
    const db = await fresh();
    const run = await runCli(['status', '--database-url', db.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('all clear: nothing pending or firing\n');
    const json = await runCli(['status', '--json', '--database-url', db.url]);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });
});
