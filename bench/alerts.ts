// Benchmark: the alert state step on 100,000 series in one tick, against the
// floor of one set-based UPDATE ... FROM of the same 100,000 rows.
//
//   npx tsx bench/alerts.ts          (BENCH_RUNS=N, default 7)
//
// It prints figures; it is not a test. The state step is timed on its own
// (vigil._evaluate_alerts with the run's 100k results), as run_check calls it.
import pg from 'pg';
import { migrate } from '../src/migrate.js';
import { databaseUrl, startPrivateServer } from '../scripts/test-cluster.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const N = Number(process.env.BENCH_SERIES ?? 100_000);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function timed(client: pg.Client, sql: string, params: unknown[] = []): Promise<number> {
  const t0 = process.hrtime.bigint();
  await client.query(sql, params);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const server = await startPrivateServer();
try {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('create database bench_alerts');
  await admin.end();
  const url = databaseUrl(server.url, 'bench_alerts');
  await migrate({ databaseUrl: url });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`
    delete from vigil.checks;
    create schema bench;
    create function bench.synthetic(p_params jsonb)
    returns table (series text, value double precision, labels jsonb, detail jsonb)
    language sql set search_path = '' as $$ select 's' || g, 1::double precision, '{}'::jsonb, null::jsonb from pg_catalog.generate_series(1, 2) g $$;
    select vigil.add_check(p_name => 'bench', p_function => 'bench.synthetic', p_warning => 80, p_warning_exit => 70,
                           p_critical => 90, p_critical_exit => 85);
    -- The run's results, as run_check hands them to the state step.
    create table bench.results as
      select array_agg('s' || g order by g) as series,
             array_agg(85::double precision order by g) as warn_values,
             array_agg(95::double precision order by g) as crit_values,
             array_agg('{}'::jsonb order by g) as labels
        from generate_series(1, ${N}) g;`);
  const step = (values: 'warn_values' | 'crit_values', minute: number) =>
    timed(client, `select vigil._evaluate_alerts(c, $1::timestamptz, r.series, r.${values}, r.labels)
                     from vigil.checks c, bench.results r where c.name = 'bench'`, [new Date(Date.UTC(2026, 2, 10, 12, minute))]);

  const first = await step('warn_values', 0); // 100k new firing alerts: inserts + 100k events
  const steady: number[] = [];
  const flipping: number[] = [];
  const floor: number[] = [];
  for (let i = 1; i <= RUNS; i += 1) {
    steady.push(await step('warn_values', 2 * i - 1)); // all stay firing warning: updates, no events
    floor.push(
      await timed(client, `update vigil.alert_state a set value = u.value, last_eval_at = $1::timestamptz
                             from bench.results r, rows from (unnest(r.series), unnest(r.warn_values)) as u(series, value)
                            where a.check_name = 'bench' and a.series = u.series`, [new Date(Date.UTC(2026, 2, 10, 13, i))]),
    );
    flipping.push(await step(i % 2 ? 'crit_values' : 'warn_values', 2 * i)); // every alert changes severity: 100k events
  }
  await client.query('vacuum analyze vigil.alert_state');
  const ms = median(steady);
  console.log(`series: ${N}`);
  console.log(`first evaluation (100k new alerts fire: insert + 100k events): ${first.toFixed(0)} ms`);
  console.log(`state step, steady (all stay firing): median ${ms.toFixed(0)} ms (all: ${steady.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`state step, every alert changes severity (100k events): median ${median(flipping).toFixed(0)} ms (all: ${flipping.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`floor, one UPDATE ... FROM of the same rows: median ${median(floor).toFixed(0)} ms (all: ${floor.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`\nsummary`);
  console.log(`  steady / floor: ${(ms / median(floor)).toFixed(2)}x  (goal <= 3)`);
  console.log(`  severity flip / floor: ${(median(flipping) / median(floor)).toFixed(2)}x`);
  console.log(`  throughput, steady: ${Math.round(N / (ms / 1000)).toLocaleString('en')} series/s; severity flip: ${Math.round(N / (median(flipping) / 1000)).toLocaleString('en')} series/s  (goal >= 100,000)`);
  await client.end();
} finally {
  await server.stop();
}
