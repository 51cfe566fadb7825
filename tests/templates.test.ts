// The application check templates (sql/functions/checks/check_freshness.sql
// and its siblings): every param is validated before any SQL is built from
// it (SQLSTATE 22023 with a message naming the bad value and a HINT), text
// meant as a name is never executed, and each template measures the right
// value on small data at a replayed tick time (_now).
import pg from 'pg';
import { beforeAll, describe, expect, test } from 'vitest';
import { databasesForThisFile, type TestDatabase, withClient } from './helpers/db.js';

type Json = Record<string, unknown>;
interface CheckRow {
  series: string;
  value: number | null;
  labels: Json;
  detail: Json | null;
}

const fresh = databasesForThisFile();
let db: TestDatabase;

/** 2026-03-10 14:00 in New York (EDT, two days after the switch to daylight time). */
const NOW = '2026-03-10T18:00:00Z';

const FIXTURES = `
  create schema app;
  create table app.victim (x int);
  insert into app.victim values (1), (2);

  create table app.orders (id int generated always as identity, created_at timestamptz not null, status text not null, note text);
  insert into app.orders (created_at, status) values
    ('2026-03-10T17:40:00Z', 'paid'),
    ('2026-03-10T17:52:00Z', 'failed'),
    ('2026-03-10T19:00:00Z', 'paid');              -- after _now: not seen by a replayed 18:00
  create table app.empty (created_at timestamptz);
  create table app."Odd Table" ("Created At" timestamptz, "Group ""G""" text);
  insert into app."Odd Table" values ('2026-03-10T17:30:00Z', 'x');

  -- 40 log lines in the 13 minutes before 18:00: provider a has 4 errors in 20, b 1 critical in 20.
  create table app.logs (created_at timestamptz not null, provider text, level text);
  insert into app.logs
  select '2026-03-10T18:00:00Z'::timestamptz - g * interval '20 seconds',
         case when g % 2 = 0 then 'a' else 'b' end,
         case when g in (2, 4, 6, 8) then 'error' when g = 3 then 'critical' else 'info' end
    from pg_catalog.generate_series(0, 39) g;
  insert into app.logs values ('2026-03-10T17:00:00Z', 'a', 'error');  -- outside the window

  -- Provider calls: 50 per provider over the 7 days before 17:00 at 100 ms; in the last hour,
  -- 25 per provider, a at 300 ms and b at 100 ms; c has only 5 recent calls.
  create table app.calls (created_at timestamptz not null, provider text, ms integer, path text);
  insert into app.calls
  select '2026-03-10T17:00:00Z'::timestamptz - g * interval '3 hours', p, 100, '/'
    from pg_catalog.generate_series(1, 50) g, pg_catalog.unnest(array['a', 'b', 'c']) p;
  insert into app.calls
  select '2026-03-10T18:00:00Z'::timestamptz - g * interval '2 minutes', p, case when p = 'a' then 300 else 100 end, '/'
    from pg_catalog.generate_series(0, 24) g, pg_catalog.unnest(array['a', 'b']) p;
  insert into app.calls
  select '2026-03-10T18:00:00Z'::timestamptz - g * interval '2 minutes', 'c', 100, '/'
    from pg_catalog.generate_series(0, 4) g;
  insert into app.calls values ('2026-03-02T00:00:00Z', 'a', 100000, '/'), ('2026-03-10T17:59:00Z', 'a', null, '/');

  create type app.prio as enum ('low', 'normal', 'high', 'urgent');
  create table app.queue (created_at timestamptz not null, status text, prio app.prio, prio_text text, prio_num int);
  insert into app.queue values
    ('2026-03-10T16:00:00Z', 'pending', 'low', 'low', 1),
    ('2026-03-10T16:30:00Z', 'pending', 'urgent', 'urgent', 4),
    ('2026-03-10T17:00:00Z', 'pending', 'high', 'high', 3),
    ('2026-03-10T15:00:00Z', 'done', 'urgent', 'urgent', 4),
    ('2026-03-10T19:00:00Z', 'pending', 'urgent', 'urgent', 4);   -- after _now

  -- Costs: the 30 New York days before 2026-03-10 cost 100 each (60 at 10:00, 40 at 16:00);
  -- the 10 days before those cost 1000 each. Today so far (14:00 New York): 130 + 10.
  create table app.costs (incurred_at timestamptz not null, amount numeric(10, 2), kind text, label text);
  insert into app.costs
  select pg_catalog.timezone('America/New_York', ('2026-03-10'::date - d) + t.at), t.amount, 'fulfillment', null
    from pg_catalog.generate_series(1, 30) d,
         (values (time '10:00', 60), (time '16:00', 40)) as t(at, amount);
  insert into app.costs
  select pg_catalog.timezone('America/New_York', ('2026-03-10'::date - d) + time '12:00'), 1000, 'fulfillment', null
    from pg_catalog.generate_series(31, 40) d;
  insert into app.costs values
    (pg_catalog.timezone('America/New_York', timestamp '2026-03-10 09:00'), 130, 'fulfillment', null),
    (pg_catalog.timezone('America/New_York', timestamp '2026-03-10 10:00'), 10, 'api', null),
    (pg_catalog.timezone('America/New_York', timestamp '2026-03-10 15:00'), 500, 'fulfillment', null);  -- after _now

  create table app.products (id int primary key, sku text, stock int, category text);
  insert into app.products values (1, 'a', 5, 'x'), (2, 'b', -1, 'x'), (3, 'c', -3, 'y'), (4, 'd', null, 'y');
  create table app.order_items (id int, product_id int);
  insert into app.order_items values (1, 1), (2, 2), (3, 99), (4, 98);
`;

beforeAll(async () => {
  db = await fresh();
  await db.query(FIXTURES);
});

async function measure(fn: string, params: Json): Promise<CheckRow[]> {
  const r = await db.query<CheckRow>(
    `select series, value, labels, detail from vigil.check_${fn}($1::jsonb) order by series`,
    [JSON.stringify(params)],
  );
  return r.rows;
}

async function failure(fn: string, params: Json): Promise<pg.DatabaseError> {
  try {
    await measure(fn, params);
  } catch (e) {
    if (e instanceof pg.DatabaseError) return e;
    throw e;
  }
  throw new Error(`vigil.check_${fn}(${JSON.stringify(params)}) did not raise`);
}

async function victimIntact(): Promise<void> {
  const r = await db.query<{ n: number }>('select count(*)::int as n from app.victim');
  expect(r.rows[0]!.n).toBe(2);
}

const base = {
  freshness: { table: 'app.orders', column: 'created_at', _now: NOW },
  error_ratio: { table: 'app.logs', time_column: 'created_at', error_column: 'level', error_values: ['error', 'critical'], _now: NOW },
  latency_vs_baseline: { table: 'app.calls', time_column: 'created_at', value_column: 'ms', group_by: 'provider', _now: NOW },
  queue_health: { table: 'app.queue', time_column: 'created_at', where: "status = 'pending'", _now: NOW },
  sum_vs_baseline: { table: 'app.costs', time_column: 'incurred_at', amount_column: 'amount', timezone: 'America/New_York', _now: NOW },
  row_count: { table: 'app.products', column: 'stock', op: '<', value: 0 },
  custom_value: { sql: 'select count(*) from app.products where stock < 0', _check: 'negative_stock' },
} satisfies Record<string, Json>;
type Template = keyof typeof base;

describe('param validation: SQLSTATE 22023, a message naming the bad value, and a HINT', () => {
  const cases: Array<[Template, Json, RegExp]> = [
    // tables, for every template that reads one
    ...(['freshness', 'error_ratio', 'latency_vs_baseline', 'queue_health', 'sum_vs_baseline', 'row_count'] as const).flatMap(
      (t): Array<[Template, Json, RegExp]> => [
        [t, { table: undefined }, /param "table" is required/],
        [t, { table: 42 }, /param "table" is required and must be a string naming a table, not 42/],
        [t, { table: 'orders' }, /not a schema-qualified table name: 'orders'/],
        [t, { table: 'app.nope' }, /table app\.nope does not exist/],
        [t, { table: 'app.orders.x' }, /not a schema-qualified table name/],
        [t, { table: 'pg_catalog.pg_class_oid_index' }, /is not a table or view/],
      ],
    ),
    ['freshness', { column: undefined }, /param "column" is required: a column of app\.orders/],
    ['freshness', { column: 'nope' }, /column nope does not exist in app\.orders/],
    ['freshness', { column: 'status' }, /column app\.orders\.status is text, not timestamp with time zone/],
    ['freshness', { column: ['created_at'] }, /param "column" must be a column name/],
    ['freshness', { where: 5 }, /param "where" must be a non-empty SQL predicate string, not 5/],
    ['freshness', { where: '  ' }, /param "where" must be a non-empty SQL predicate/],
    ['freshness', { where: 'no_such_column = 1' }, /the query built from params failed: column "no_such_column" does not exist/],
    ['freshness', { active_hours: 'daytime' }, /param "active_hours" must be an object/],
    ['freshness', { active_hours: { begin: '06:00' } }, /unknown keys: begin/],
    ['freshness', { active_hours: { days: [0, 1] } }, /days must be a non-empty array of ISO weekdays 1-7, not \[0, 1\]/],
    ['freshness', { active_hours: { days: [] } }, /days must be a non-empty array/],
    ['freshness', { active_hours: { start: '25:00' } }, /start must be a local time "HH:MM", not "25:00"/],
    ['freshness', { active_hours: { end: '6pm' } }, /end must be a local time "HH:MM", not "6pm"/],
    ['freshness', { active_hours: { start: '06:00', end: '06:00' } }, /start and end are both 06:00/],
    ['freshness', { active_hours: { timezone: 'Mars/Olympus_Mons' } }, /unknown time zone "Mars\/Olympus_Mons"/],
    ['error_ratio', { window: 'soon' }, /param "window" must be a positive interval, not "soon"/],
    ['error_ratio', { window: '-5 minutes' }, /param "window" must be a positive interval, not "-5 minutes"/],
    ['error_ratio', { window: 15 }, /param "window" must be a positive interval, not 15/],
    ['error_ratio', { time_column: 'level' }, /column app\.logs\.level is text, not timestamp with time zone/],
    ['error_ratio', { error_column: undefined, error_values: undefined }, /give either error_column with error_values, or error_where \(not neither\)/],
    ['error_ratio', { error_where: "level = 'error'" }, /give either error_column with error_values, or error_where \(not both\)/],
    ['error_ratio', { error_values: [] }, /param "error_values" must be a non-empty array of strings, not \[\]/],
    ['error_ratio', { error_values: 'error' }, /param "error_values" must be a non-empty array of strings, not "error"/],
    ['error_ratio', { error_values: [500] }, /param "error_values" must be a non-empty array of strings, not \[500\]/],
    ['error_ratio', { error_column: 'lvl' }, /column lvl does not exist in app\.logs/],
    ['error_ratio', { min_rows: 0 }, /param "min_rows" must be a whole number between 1 and .*, not 0/],
    ['error_ratio', { min_rows: 2.5 }, /param "min_rows" must be a whole number .*, not 2\.5/],
    ['error_ratio', { min_rows: '20' }, /param "min_rows" must be a whole number .*, not "20"/],
    ['error_ratio', { group_by: 'provider; drop table app.victim' }, /column "provider; drop table app\.victim" does not exist in app\.logs/],
    ['latency_vs_baseline', { value_column: 'provider' }, /column app\.calls\.provider is text, not a number/],
    ['latency_vs_baseline', { value_column: undefined }, /param "value_column" is required/],
    ['latency_vs_baseline', { percentile: 1.5 }, /param "percentile" must be a number between 0 and 1, not 1\.5/],
    ['latency_vs_baseline', { percentile: 1 }, /param "percentile" must be strictly between 0 and 1/],
    ['latency_vs_baseline', { baseline: 'a week' }, /param "baseline" must be a positive interval, not "a week"/],
    ['latency_vs_baseline', { min_count: -1 }, /param "min_count" must be a whole number/],
    ['queue_health', { measure: 'width' }, /param "measure" must be "depth" or "oldest_minutes", not "width"/],
    ['queue_health', { time_column: undefined }, /param "time_column" is required/],
    ['queue_health', { priority_column: 'prio' }, /params "priority_column" and "min_priority" go together \(got only priority_column\)/],
    ['queue_health', { min_priority: 'urgent' }, /go together \(got only min_priority\)/],
    ['queue_health', { priority_column: 'prio', min_priority: 'critical' }, /param "min_priority" "critical" is not a label of the enum app\.prio/],
    ['queue_health', { priority_column: 'prio_text', min_priority: 'urgent' }, /priority column prio_text is text, which has no order pgvigil knows/],
    ['queue_health', { priority_column: 'prio_text', min_priority: 'top', priority_order: ['low', 'high'] }, /param "min_priority" "top" is not in priority_order/],
    ['queue_health', { priority_column: 'prio_text', min_priority: 'low', priority_order: 'low,high' }, /param "priority_order" must be a non-empty array of strings/],
    ['queue_health', { priority_column: 'prio_num', min_priority: 'high' }, /param "min_priority" must be a number for the numeric column prio_num, not "high"/],
    ['sum_vs_baseline', { timezone: 'Mars/Olympus_Mons' }, /param "timezone": unknown time zone "Mars\/Olympus_Mons"/],
    ['sum_vs_baseline', { timezone: 5 }, /param "timezone": unknown time zone 5/],
    ['sum_vs_baseline', { baseline_days: 0 }, /param "baseline_days" must be a whole number between 1 and 3660, not 0/],
    ['sum_vs_baseline', { amount_column: 'kind' }, /column app\.costs\.kind is text, not a number/],
    ['sum_vs_baseline', { same_time_of_day: 'yes' }, /param "same_time_of_day" must be true or false, not "yes"/],
    ['row_count', { column: undefined }, /give either "where" or "column" with "op" \(and "value"\), not neither/],
    ['row_count', { where: 'stock < 0' }, /not both/],
    ['row_count', { op: 'like' }, /param "op" must be one of .*, not "like"/],
    ['row_count', { op: '; drop table app.victim; --' }, /param "op" must be one of/],
    ['row_count', { op: undefined }, /param "op" must be one of .*, not missing/],
    ['row_count', { value: undefined }, /param "value" must be a JSON string, number or boolean for op '<', not missing/],
    ['row_count', { value: [0] }, /param "value" must be a JSON string, number or boolean for op '<', not \[0\]/],
    ['row_count', { op: 'is null' }, /param "value" makes no sense with op 'is null'/],
    ['row_count', { value: 'abc' }, /the query built from params failed: invalid input syntax for type integer: "abc"/],
    ['custom_value', { sql: undefined }, /param "sql" is required and must be a query string, not missing/],
    ['custom_value', { sql: '' }, /param "sql" is required/],
    ['custom_value', { series: 7 }, /param "series" must be a non-empty string, not 7/],
    ['custom_value', { sql: 'select 1 as a, 2 as b' }, /returned columns a, b, which is neither one column nor series and value/],
    ['custom_value', { sql: 'select true' }, /value true is not a number/],
    ['custom_value', { sql: "select 'many'" }, /the "sql" param failed: invalid input syntax for type double precision: "many"/],
    ['custom_value', { sql: 'select count(*) from app.nope' }, /the "sql" param failed: relation "app\.nope" does not exist/],
  ];

  test.each(cases.map(([t, p, m]) => [t, JSON.stringify(p, (_k, v: unknown) => (v === undefined ? '(absent)' : v)), p, m] as const))('%s %s', async (template, _label, change, message) => {
    const params: Json = { ...base[template], ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete params[k];
    const e = await failure(template, params);
    expect(e.code, e.message).toBe('22023');
    expect(e.message).toMatch(message);
    expect(e.hint, `no HINT for: ${e.message}`).toBeTruthy();
  });
});

describe('nothing in a param is executed unless the param is raw SQL by design', () => {
  test.each([
    ['freshness', { table: 'app.orders; drop table app.victim' }],
    ['freshness', { table: 'app.orders where false; drop table app.victim; --' }],
    ['freshness', { table: 'app.victim', column: 'x); drop table app.victim; --' }],
    ['error_ratio', { table: 'app.logs; drop table app.victim' }],
    ['latency_vs_baseline', { time_column: 'created_at > now(); drop table app.victim; --' }],
    ['queue_health', { table: '"app"."queue"; delete from app.victim' }],
    ['sum_vs_baseline', { amount_column: 'amount) from app.victim; drop table app.victim; --' }],
    ['row_count', { table: 'app.products; truncate app.victim' }],
    ['row_count', { column: 'stock < 0 or true; delete from app.victim; --' }],
  ] as const)('%s %j raises 22023 or 42P01 and the victim table is intact', async (template, change) => {
    const e = await failure(template, { ...base[template], ...change });
    expect(['22023', '42P01']).toContain(e.code);
    expect(e.hint).toBeTruthy();
    await victimIntact();
  });

  test('a structured value is a literal, never SQL: quotes in error_values or value match nothing', async () => {
    const ratio = await measure('error_ratio', { ...base.error_ratio, error_values: ["info') or (true", "x' or '1'='1"] });
    expect(ratio).toHaveLength(1);
    expect(ratio[0]!.value).toBe(0);
    const rows = await measure('row_count', { table: 'app.products', column: 'sku', op: '=', value: "a' or '1'='1" });
    expect(rows[0]!.value).toBe(0);
    await victimIntact();
  });

  test('raw predicates and raw SQL run read-only, one statement at most', async () => {
    for (const [template, change] of [
      ['freshness', { where: "true; delete from app.victim" }],
      ['queue_health', { where: "true) or (true; drop table app.victim; --" }],
      ['row_count', { where: 'stock < 0; truncate app.victim' }],
      ['custom_value', { sql: 'delete from app.victim returning 1' }],
      ['custom_value', { sql: 'with d as (delete from app.victim returning 1) select count(*) from d' }],
      ['custom_value', { sql: 'select 1; drop table app.victim' }],
    ] as Array<[Template, Json]>) {
      const e = await failure(template, { ...base[template], ...change });
      expect(e.code, `${template} ${JSON.stringify(change)}: ${e.message}`).toBe('22023');
      expect(e.hint).toBeTruthy();
    }
    await victimIntact();
  });

  test('names that need quoting work: schema-qualified "Odd Table" with column "Created At"', async () => {
    const rows = await measure('freshness', { table: 'app."Odd Table"', column: 'Created At', _now: NOW });
    expect(rows).toEqual([
      expect.objectContaining({ series: 'app."Odd Table"', value: 30, labels: { table: 'app."Odd Table"' } }),
    ]);
    const grouped = await measure('row_count', { table: 'app."Odd Table"', where: 'true', group_by: 'Group "G"' });
    expect(grouped).toEqual([expect.objectContaining({ series: 'x', value: 1, labels: { table: 'app."Odd Table"', 'Group "G"': 'x' } })]);
  });
});

describe('values on small data, at a replayed tick time', () => {
  test('freshness: minutes since the newest row at or before _now; where; active hours', async () => {
    expect(await measure('freshness', base.freshness)).toEqual([
      {
        series: 'app.orders',
        value: 8,
        labels: { table: 'app.orders' },
        detail: { newest: '2026-03-10T17:52:00+00:00', now: '2026-03-10T18:00:00+00:00', active_since: null, column: 'created_at', where: null },
      },
    ]);
    const paid = await measure('freshness', { ...base.freshness, where: "status = 'paid'" });
    expect(paid[0]!.value).toBe(20);
    const hours = { start: '06:00', end: '23:00', timezone: 'America/New_York' };
    // 14:00 in New York: inside; the window began at 06:00 EDT = 10:00Z.
    const inside = await measure('freshness', { ...base.freshness, active_hours: hours });
    expect(inside[0]).toMatchObject({ value: 8, detail: { active_since: '2026-03-10T10:00:00+00:00' } });
    // 03:00 in New York: nothing to judge.
    expect(await measure('freshness', { ...base.freshness, active_hours: hours, _now: '2026-03-10T07:00:00Z' })).toEqual([]);
    // 06:05 next morning: 5 minutes since the window opened, not 11 hours since the last order.
    const morning = await measure('freshness', { ...base.freshness, active_hours: hours, _now: '2026-03-11T10:05:00Z' });
    expect(morning[0]!.value).toBe(5);
    // Weekend-only hours on a Tuesday: nothing to judge.
    expect(await measure('freshness', { ...base.freshness, active_hours: { ...hours, days: [6, 7] } })).toEqual([]);
    // Overnight window 22:00-06:00 that starts on Monday: at 03:00 Tuesday it is open since Monday 22:00 EDT.
    const night = await measure('freshness', {
      ...base.freshness,
      active_hours: { days: [1], start: '22:00', end: '06:00', timezone: 'America/New_York' },
      _now: '2026-03-10T07:00:00Z',
    });
    expect(night[0]!.detail).toMatchObject({ active_since: '2026-03-10T02:00:00+00:00' });
    // An empty table: null outside a window (nothing to measure), minutes since the window opened inside one.
    expect((await measure('freshness', { table: 'app.empty', column: 'created_at', _now: NOW }))[0]!.value).toBeNull();
    const emptyInside = await measure('freshness', { table: 'app.empty', column: 'created_at', active_hours: hours, _now: NOW });
    expect(emptyInside[0]!.value).toBe(480); // 06:00 to 14:00
  });

  test('error_ratio: percent of error rows in the window, per group, null below min_rows', async () => {
    expect(await measure('error_ratio', base.error_ratio)).toEqual([
      {
        series: 'app.logs',
        value: 12.5,
        labels: { table: 'app.logs' },
        detail: { errors: 5, rows: 40, min_rows: 20, window: '15 minutes', from: '2026-03-10T17:45:00+00:00', to: '2026-03-10T18:00:00+00:00' },
      },
    ]);
    const grouped = await measure('error_ratio', { ...base.error_ratio, group_by: 'provider' });
    expect(grouped.map((r) => [r.series, r.value, r.labels])).toEqual([
      ['a', 20, { table: 'app.logs', provider: 'a' }],
      ['b', 5, { table: 'app.logs', provider: 'b' }],
    ]);
    const few = await measure('error_ratio', { ...base.error_ratio, group_by: 'provider', min_rows: 21 });
    expect(few.map((r) => r.value)).toEqual([null, null]);
    const raw = await measure('error_ratio', { ...base.error_ratio, error_column: undefined, error_values: undefined, error_where: "t.level = 'critical'" });
    expect(raw[0]!.value).toBe(2.5);
    const narrow = await measure('error_ratio', { ...base.error_ratio, window: '5 minutes', min_rows: 1 });
    expect(narrow[0]).toMatchObject({ value: (100 * 5) / 15, detail: { rows: 15, errors: 5 } }); // g = 0..14: > 17:55, <= 18:00
    const filtered = await measure('error_ratio', { ...base.error_ratio, where: "provider = 'a'" });
    expect(filtered[0]!.value).toBe(20);
    // The next day: no rows in the window, nothing to judge.
    expect((await measure('error_ratio', { ...base.error_ratio, _now: '2026-03-11T18:00:00Z' }))[0]).toMatchObject({ value: null, detail: { rows: 0 } });
  });

  test('latency_vs_baseline: recent percentile over the baseline percentile, per group', async () => {
    const rows = await measure('latency_vs_baseline', base.latency_vs_baseline);
    expect(rows).toEqual([
      {
        series: 'a',
        value: 3,
        labels: { table: 'app.calls', provider: 'a' },
        detail: { recent: 300, baseline: 100, recent_count: 25, baseline_count: 50, percentile: 0.95, min_count: 20, window: '1 hour' },
      },
      expect.objectContaining({ series: 'b', value: 1 }),
      expect.objectContaining({ series: 'c', value: null, detail: expect.objectContaining({ recent_count: 5, baseline_count: 50 }) }),
    ]);
    // A shorter baseline drops the oldest rows (and never reaches the 100000 ms outlier of 2026-03-02).
    const short = await measure('latency_vs_baseline', { ...base.latency_vs_baseline, baseline: '1 day', min_count: 1 });
    expect(short.find((r) => r.series === 'a')!.detail).toMatchObject({ baseline_count: 7 });
    const median = await measure('latency_vs_baseline', { ...base.latency_vs_baseline, group_by: undefined, percentile: 0.5 });
    expect(median).toEqual([expect.objectContaining({ series: 'app.calls', value: 1, detail: expect.objectContaining({ recent_count: 55 }) })]);
  });

  test('queue_health: depth and the age of the oldest item at or above a priority', async () => {
    const both = await measure('queue_health', { ...base.queue_health, priority_column: 'prio', min_priority: 'urgent' });
    expect(both).toEqual([
      { series: 'depth', value: 3, labels: { table: 'app.queue', measure: 'depth' }, detail: { items: 3, where: "status = 'pending'" } },
      {
        series: 'oldest_minutes',
        value: 90,
        labels: { table: 'app.queue', measure: 'oldest_minutes' },
        detail: { oldest: '2026-03-10T16:30:00+00:00', items: 1, where: "status = 'pending'", priority_column: 'prio', min_priority: 'urgent' },
      },
    ]);
    const oldest = (change: Json) => measure('queue_health', { ...base.queue_health, measure: 'oldest_minutes', ...change }).then((r) => r.map((x) => x.value));
    expect(await oldest({ priority_column: 'prio', min_priority: 'high' })).toEqual([90]);
    expect(await oldest({ priority_column: 'prio', min_priority: 'low' })).toEqual([120]);
    expect(await oldest({ priority_column: 'prio_text', min_priority: 'normal', priority_order: ['low', 'normal', 'high', 'urgent'] })).toEqual([90]);
    expect(await oldest({ priority_column: 'prio_num', min_priority: 4 })).toEqual([90]);
    expect(await oldest({})).toEqual([120]);
    expect(await oldest({ where: "status = 'nothing'" })).toEqual([0]);
    const depth = await measure('queue_health', { table: 'app.queue', measure: 'depth' });
    expect(depth).toEqual([expect.objectContaining({ series: 'depth', value: 5 })]);
  });

  test('sum_vs_baseline: today so far against the average day, in percent', async () => {
    expect(await measure('sum_vs_baseline', base.sum_vs_baseline)).toEqual([
      {
        series: 'app.costs',
        value: 40,
        labels: { table: 'app.costs' },
        detail: { today: 140, baseline_average: 100, baseline_days: 30, day: '2026-03-10', timezone: 'America/New_York', same_time_of_day: false },
      },
    ]);
    const grouped = await measure('sum_vs_baseline', { ...base.sum_vs_baseline, group_by: 'kind' });
    expect(grouped.map((r) => [r.series, r.value])).toEqual([
      ['api', null], // no baseline: nothing to compare with
      ['fulfillment', 30],
    ]);
    const longer = await measure('sum_vs_baseline', { ...base.sum_vs_baseline, baseline_days: 40 });
    expect(longer[0]!.detail).toMatchObject({ baseline_average: 325, baseline_days: 40 });
    expect(longer[0]!.value).toBeCloseTo((140 / 325 - 1) * 100, 9);
    // Only the 10:00 part of each past day is before 14:00: baseline 60, today 140.
    const sameTime = await measure('sum_vs_baseline', { ...base.sum_vs_baseline, same_time_of_day: true });
    expect(sameTime[0]!.value).toBeCloseTo(133.333333, 4);
    // The day boundary follows the time zone: at 02:00 UTC on the 11th it is still the 10th in New York.
    const late = await measure('sum_vs_baseline', { ...base.sum_vs_baseline, _now: '2026-03-11T02:00:00Z' });
    expect(late[0]!.detail).toMatchObject({ day: '2026-03-10', today: 640 });
    const utc = await measure('sum_vs_baseline', { ...base.sum_vs_baseline, timezone: undefined, _now: '2026-03-11T02:00:00Z' });
    expect(utc[0]!.detail).toMatchObject({ day: '2026-03-11', today: 0, timezone: 'UTC' });
  });

  test('row_count: structured and raw predicates, grouped', async () => {
    const count = async (change: Json) => (await measure('row_count', { ...base.row_count, ...change })).map((r) => [r.series, r.value]);
    expect(await count({})).toEqual([['app.products', 2]]);
    expect(await count({ group_by: 'category' })).toEqual([['x', 1], ['y', 1]]);
    expect(await count({ op: 'is null', value: undefined })).toEqual([['app.products', 1]]);
    expect(await count({ op: 'is not null', value: undefined })).toEqual([['app.products', 3]]);
    expect(await count({ op: '=', value: '-1' })).toEqual([['app.products', 1]]);
    expect(await count({ op: '!=', value: -1 })).toEqual([['app.products', 2]]);
    expect(await count({ op: '>=', value: 5 })).toEqual([['app.products', 1]]);
    const orphans = await measure('row_count', { table: 'app.order_items', where: 'not exists (select from app.products p where p.id = t.product_id)' });
    expect(orphans).toEqual([expect.objectContaining({ series: 'app.order_items', value: 2, labels: { table: 'app.order_items' } })]);
  });

  test('custom_value: one number, or rows of series and value', async () => {
    expect(await measure('custom_value', base.custom_value)).toEqual([
      { series: 'negative_stock', value: 2, labels: null, detail: { sql: 'select count(*) from app.products where stock < 0' } },
    ]);
    const named = await measure('custom_value', { sql: 'select 3.5::numeric;  ', series: 'x' });
    expect(named.map((r) => [r.series, r.value])).toEqual([['x', 3.5]]);
    const rows = await measure('custom_value', {
      sql: `select category as series, count(*) as value, jsonb_build_object('category', category) as labels
              from app.products where category is not null group by category`,
    });
    expect(rows.map((r) => [r.series, r.value, r.labels])).toEqual([
      ['x', 2, { category: 'x' }],
      ['y', 2, { category: 'y' }],
    ]);
    expect(await measure('custom_value', { sql: 'select null::int' })).toEqual([expect.objectContaining({ value: null })]);
    // $1 is the tick time, so a replayed tick measures the past.
    const replay = (now: string) => measure('custom_value', { sql: 'select count(*) from app.orders where created_at <= $1', _now: now });
    expect((await replay(NOW))[0]!.value).toBe(2);
    expect((await replay('2026-03-10T19:30:00Z'))[0]!.value).toBe(3);
  });
});

describe('through the engine', () => {
  test('a registered template is run by vigil.run_check; an injection attempt is refused at registration, and a table dropped later is recorded as an error', async () => {
    const d = await fresh();
    await d.query(FIXTURES);
    await d.query(`select vigil.add_check(p_name => 'neg_stock', p_function => 'vigil.check_row_count',
                     p_params => '{"table": "app.products", "column": "stock", "op": "<", "value": 0}', p_warning => 1)`);
    await expect(
      d.query(`select vigil.add_check(p_name => 'broken', p_function => 'vigil.check_freshness',
                 p_params => '{"table": "app.orders; drop table app.victim", "column": "created_at"}')`),
    ).rejects.toMatchObject({ code: '22023' });
    await d.query(`create table app.short_lived (created_at timestamptz)`);
    await d.query(`select vigil.add_check(p_name => 'gone', p_function => 'vigil.check_freshness',
                     p_params => '{"table": "app.short_lived", "column": "created_at"}')`);
    await d.query(`drop table app.short_lived`);
    const statuses = await d.query(`select vigil.run_check('neg_stock', $1) as a, vigil.run_check('gone', $1) as b`, [NOW]);
    expect(statuses.rows[0]).toEqual({ a: 'ok', b: 'error' });
    const runs = await d.query(`select check_name, status, sqlstate, series_count, breaching from vigil.check_runs order by check_name`);
    expect(runs.rows).toEqual([
      { check_name: 'gone', status: 'error', sqlstate: '22023', series_count: 0, breaching: 0 },
      { check_name: 'neg_stock', status: 'ok', sqlstate: null, series_count: 1, breaching: 1 },
    ]);
    const sample = await d.query(`select value from vigil.samples where check_name = 'neg_stock' and series = 'app.products'`);
    expect(sample.rows).toEqual([{ value: 2 }]);
    const victim = await d.query<{ n: number }>('select count(*)::int as n from app.victim');
    expect(victim.rows[0]!.n).toBe(2);
    const registered = await d.query(`select name from vigil.checks where name = 'broken'`);
    expect(registered.rowCount).toBe(0);
  });
});

describe('who may register raw SQL', () => {
  test('vigil_operator cannot register a custom_value check (42501, nothing written); vigil_admin can', async () => {
    const d = await fresh();
    const suffix = d.name;
    const op = `tpl_op_${suffix}`;
    const admin = `tpl_admin_${suffix}`;
    await d.query(`create role "${op}" login in role vigil_operator; create role "${admin}" login in role vigil_admin;`);
    const asRole = (role: string) => {
      const u = new URL(d.url);
      u.username = role;
      return u.toString();
    };
    const register = `select vigil.add_check(p_name => 'raw_sql', p_function => 'vigil.check_custom_value',
                        p_params => '{"sql": "select count(*) from pg_catalog.pg_authid"}', p_warning => 1)`;
    try {
      await expect(withClient(asRole(op), (c) => c.query(register))).rejects.toMatchObject({ code: '42501' });
      const none = await d.query(`select count(*)::int as n from vigil.checks where name = 'raw_sql'`);
      expect(none.rows[0]!.n).toBe(0);
      await withClient(asRole(admin), (c) => c.query(register));
      const added = await d.query(`select function_name, params from vigil.checks where name = 'raw_sql'`);
      expect(added.rows).toEqual([{ function_name: 'vigil.check_custom_value', params: { sql: 'select count(*) from pg_catalog.pg_authid' } }]);
    } finally {
      await d.query(`drop owned by "${op}", "${admin}"; drop role "${op}"; drop role "${admin}"`);
    }
  });
});
