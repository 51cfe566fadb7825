// examples/shop: the runbook's alert rules as pgvigil checks. Each test loads
// schema.sql and setup.sql into a fresh database, then loads data that makes
// one check cross its threshold, runs it with vigil.run_check at a replayed
// tick time (Tuesday 2026-03-10 in New York), and proves the run breaches and
// the sample holds the expected value; then it loads data that brings the
// check back and proves a later replayed run no longer breaches.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { databasesForThisFile, type TestDatabase } from './helpers/db.js';

const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'shop');
const SCHEMA = readFileSync(join(EXAMPLE, 'schema.sql'), 'utf8');
const SETUP = readFileSync(join(EXAMPLE, 'setup.sql'), 'utf8');

const fresh = databasesForThisFile();

async function shop(): Promise<TestDatabase> {
  const db = await fresh();
  await db.query(SCHEMA);
  await db.query(SETUP);
  return db;
}

/** A New York wall-clock time on the test day, as timestamptz input. */
const ny = (time: string, day = '2026-03-10') => `${day} ${time} America/New_York`;

interface Run {
  status: string;
  error: string | null;
  series_count: number;
  breaching: number;
}

/** Runs one check at a replayed tick time; returns its check_runs row. */
async function runAt(db: TestDatabase, check: string, at: string): Promise<Run> {
  const r = await db.query<{ status: string }>('select vigil.run_check($1, $2::timestamptz) as status', [check, at]);
  const run = await db.query<Run>(
    `select status, error, series_count, breaching from vigil.check_runs where check_name = $1 and started_at = $2::timestamptz`,
    [check, at],
  );
  expect(run.rows).toHaveLength(1);
  expect(r.rows[0]!.status, run.rows[0]!.error ?? '').toBe('ok');
  return run.rows[0]!;
}

/** The value stored for one series of one run. */
async function sampleAt(db: TestDatabase, check: string, at: string, series: string): Promise<number | null | undefined> {
  const r = await db.query<{ value: number | null }>(
    'select value from vigil.samples where check_name = $1 and at = $2::timestamptz and series = $3',
    [check, at, series],
  );
  return r.rows[0]?.value;
}

/** The per-run aggregate row: worst value and warning / critical counts. */
async function aggregateAt(db: TestDatabase, check: string, at: string): Promise<{ value: number | null; detail: Record<string, number> }> {
  const r = await db.query<{ value: number | null; detail: Record<string, number> }>(
    `select value, detail from vigil.samples where check_name = $1 and at = $2::timestamptz and series = '*'`,
    [check, at],
  );
  return r.rows[0]!;
}

describe('examples/shop applies as documented', () => {
  test('schema.sql and setup.sql register the six runbook checks, and setup.sql can run again', async () => {
    const db = await shop();
    await db.query(SETUP);
    const checks = await db.query(
      `select name, function_name, direction, warning, critical, service from vigil.checks where name like 'shop\\_%' order by name`,
    );
    expect(checks.rows).toEqual([
      { name: 'shop_daily_cost', function_name: 'vigil.check_sum_vs_baseline', direction: 'above', warning: 25, critical: 50, service: 'shop' },
      { name: 'shop_error_rate', function_name: 'vigil.check_error_ratio', direction: 'above', warning: 5, critical: 10, service: 'shop' },
      { name: 'shop_manual_queue_depth', function_name: 'vigil.check_queue_health', direction: 'above', warning: 50, critical: 100, service: 'shop' },
      { name: 'shop_manual_queue_urgent_age', function_name: 'vigil.check_queue_health', direction: 'above', warning: 60, critical: 120, service: 'shop' },
      { name: 'shop_orders_flowing', function_name: 'vigil.check_freshness', direction: 'above', warning: 10, critical: 20, service: 'shop' },
      { name: 'shop_provider_p95', function_name: 'vigil.check_latency_vs_baseline', direction: 'above', warning: 2, critical: 3, service: 'shop' },
    ]);
    // On empty tables every check runs cleanly.
    for (const row of checks.rows as Array<{ name: string }>) {
      const run = await runAt(db, row.name, ny('14:00'));
      expect(run.status).toBe('ok');
    }
  });
});

describe('the runbook checks fire and clear on replayed time', () => {
  test('payment flow stopped: silent outside 06:00-23:00 New York, fires at 14:00 after 15 minutes without orders', async () => {
    const db = await shop();
    const check = 'shop_orders_flowing';
    await db.query(`insert into shop.orders (amount, status, created_at) values
      (25, 'paid', $1::timestamptz), (40, 'paid', $2::timestamptz)`, [ny('22:50', '2026-03-09'), ny('13:45')]);

    // 03:00 in New York: outside active hours, no series at all.
    const night = await runAt(db, check, ny('03:00'));
    expect(night).toMatchObject({ series_count: 0, breaching: 0 });
    expect(await sampleAt(db, check, ny('03:00'), 'shop.orders')).toBeUndefined();

    // 06:05: counts from 06:00, not from last night's order.
    expect(await runAt(db, check, ny('06:05'))).toMatchObject({ series_count: 1, breaching: 0 });

    // 14:00: the last order was at 13:45, 15 minutes ago: warning.
    expect(await runAt(db, check, ny('14:00'))).toMatchObject({ series_count: 1, breaching: 1 });
    expect(await sampleAt(db, check, ny('14:00'), 'shop.orders')).toBe(15);
    expect((await aggregateAt(db, check, ny('14:00'))).detail).toMatchObject({ warning: 1, critical: 0 });

    // 14:10: 25 minutes: critical.
    expect(await runAt(db, check, ny('14:10'))).toMatchObject({ breaching: 1 });
    expect((await aggregateAt(db, check, ny('14:10')))).toMatchObject({ value: 25, detail: { warning: 1, critical: 1 } });

    // Orders flow again: clear.
    await db.query(`insert into shop.orders (amount, created_at) values (19, $1::timestamptz)`, [ny('14:12')]);
    expect(await runAt(db, check, ny('14:15'))).toMatchObject({ series_count: 1, breaching: 0 });
    expect((await aggregateAt(db, check, ny('14:15'))).value).toBe(3);
  });

  test('error rate: 8% of log lines in the last 5 minutes fires; 1% clears', async () => {
    const db = await shop();
    const check = 'shop_error_rate';
    // 100 lines between 13:55:52 and 14:00: 6 error, 2 critical.
    await db.query(`
      insert into shop.system_logs (level, message, created_at)
      select case when g < 6 then 'error' when g < 8 then 'critical' else 'info' end, 'line ' || g,
             $1::timestamptz - g * interval '2.5 seconds'
        from pg_catalog.generate_series(0, 99) g`, [ny('14:00')]);
    expect(await runAt(db, check, ny('14:00'))).toMatchObject({ series_count: 1, breaching: 1 });
    expect(await sampleAt(db, check, ny('14:00'), 'shop.system_logs')).toBe(8);

    // 14:05 to 14:10: 100 lines, 1 error.
    await db.query(`
      insert into shop.system_logs (level, message, created_at)
      select case when g = 0 then 'error' else 'info' end, 'line ' || g, $1::timestamptz - g * interval '2.5 seconds'
        from pg_catalog.generate_series(0, 99) g`, [ny('14:10')]);
    expect(await runAt(db, check, ny('14:10'))).toMatchObject({ series_count: 1, breaching: 0 });
    expect((await aggregateAt(db, check, ny('14:10'))).value).toBe(1);
  });

  test('provider p95: printful at 2400 ms against its 850 ms week fires (2.8x); printify stays quiet', async () => {
    const db = await shop();
    const check = 'shop_provider_p95';
    // Baseline: 200 calls per provider every 45 minutes before 13:00, at 850 ms.
    await db.query(`
      insert into shop.fulfillment_events (provider, status, response_time_ms, created_at)
      select p, 'accepted', 850, $1::timestamptz - g * interval '45 minutes'
        from pg_catalog.generate_series(1, 200) g, pg_catalog.unnest(array['printful', 'printify']) p`, [ny('13:00')]);
    // The last hour: 30 calls each, printful slow.
    await db.query(`
      insert into shop.fulfillment_events (provider, status, response_time_ms, created_at)
      select p, 'accepted', case when p = 'printful' then 2400 else 850 end, $1::timestamptz - g * interval '2 minutes'
        from pg_catalog.generate_series(0, 29) g, pg_catalog.unnest(array['printful', 'printify']) p`, [ny('14:00')]);
    expect(await runAt(db, check, ny('14:00'))).toMatchObject({ series_count: 2, breaching: 1 });
    expect(await sampleAt(db, check, ny('14:00'), 'printful')).toBeCloseTo(2400 / 850, 9);
    expect(await sampleAt(db, check, ny('14:00'), 'printify')).toBeUndefined(); // healthy series are not stored
    const stored = await db.query(`select labels, detail from vigil.samples where check_name = $1 and series = 'printful'`, [check]);
    expect(stored.rows[0]).toMatchObject({
      labels: { table: 'shop.fulfillment_events', provider: 'printful' },
      detail: { recent: 2400, baseline: 850, recent_count: 30, baseline_count: 200 },
    });

    // 15:00-16:00: printful back to 900 ms.
    await db.query(`
      insert into shop.fulfillment_events (provider, status, response_time_ms, created_at)
      select p, 'accepted', 900, $1::timestamptz - g * interval '2 minutes'
        from pg_catalog.generate_series(0, 29) g, pg_catalog.unnest(array['printful', 'printify']) p`, [ny('16:00')]);
    expect(await runAt(db, check, ny('16:00'))).toMatchObject({ series_count: 2, breaching: 0 });
  });

  test('manual queue: an urgent item pending for 90 minutes fires; resolving it clears', async () => {
    const db = await shop();
    const check = 'shop_manual_queue_urgent_age';
    await db.query(`insert into shop.manual_queue (reason, priority, status, created_at) values
      ('address invalid', 'urgent', 'pending', $1::timestamptz),
      ('reprint', 'normal', 'pending', $2::timestamptz),
      ('refund', 'urgent', 'resolved', $3::timestamptz)`, [ny('12:30'), ny('09:00'), ny('08:00')]);
    expect(await runAt(db, check, ny('14:00'))).toMatchObject({ series_count: 1, breaching: 1 });
    expect(await sampleAt(db, check, ny('14:00'), 'oldest_minutes')).toBe(90);
    expect((await aggregateAt(db, check, ny('14:00'))).detail).toMatchObject({ warning: 1, critical: 0 });
    // The depth check shares the table but not the thresholds: 2 pending items is fine.
    expect(await runAt(db, 'shop_manual_queue_depth', ny('14:00'))).toMatchObject({ series_count: 1, breaching: 0 });

    await db.query(`update shop.manual_queue set status = 'resolved', resolved_at = $1::timestamptz where reason = 'address invalid'`, [ny('14:20')]);
    expect(await runAt(db, check, ny('14:30'))).toMatchObject({ series_count: 1, breaching: 0 });
    expect((await aggregateAt(db, check, ny('14:30'))).value).toBe(0); // the normal item does not count
  });

  test('manual queue depth: 60 pending items fires; working 20 off clears', async () => {
    const db = await shop();
    const check = 'shop_manual_queue_depth';
    await db.query(`
      insert into shop.manual_queue (reason, status, created_at)
      select 'item ' || g, 'pending', $1::timestamptz + g * interval '1 minute'
        from pg_catalog.generate_series(0, 59) g`, [ny('13:00')]);
    expect(await runAt(db, check, ny('14:00'))).toMatchObject({ series_count: 1, breaching: 1 });
    expect(await sampleAt(db, check, ny('14:00'), 'depth')).toBe(60);

    await db.query(`update shop.manual_queue set status = 'resolved' where id in (select id from shop.manual_queue order by id limit 20)`);
    expect(await runAt(db, check, ny('14:30'))).toMatchObject({ series_count: 1, breaching: 0 });
    expect((await aggregateAt(db, check, ny('14:30'))).value).toBe(40);
  });

  test('daily cost: 130 by 14:00 against a 100-a-day month fires (30% above); a normal next day clears', async () => {
    const db = await shop();
    const check = 'shop_daily_cost';
    await db.query(`
      insert into shop.costs (category, amount, incurred_at)
      select 'fulfillment', 100, pg_catalog.timezone('America/New_York', ('2026-03-10'::date - d) + time '11:00')
        from pg_catalog.generate_series(1, 30) d`);
    await db.query(`insert into shop.costs (category, amount, incurred_at) values
      ('fulfillment', 80, $1::timestamptz), ('shipping', 50, $2::timestamptz)`, [ny('09:00'), ny('13:00')]);
    expect(await runAt(db, check, ny('14:00'))).toMatchObject({ series_count: 1, breaching: 1 });
    expect(await sampleAt(db, check, ny('14:00'), 'shop.costs')).toBe(30);

    // The next day: 90 so far against (29 * 100 + 130) / 30 = 101 a day.
    await db.query(`insert into shop.costs (category, amount, incurred_at) values ('fulfillment', 90, $1::timestamptz)`, [ny('10:00', '2026-03-11')]);
    const next = ny('14:00', '2026-03-11');
    expect(await runAt(db, check, next)).toMatchObject({ series_count: 1, breaching: 0 });
    expect((await aggregateAt(db, check, next)).value).toBeCloseTo((90 / 101 - 1) * 100, 9);
  });
});
