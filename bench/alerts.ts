// Benchmark: the alert state step on 100,000 series in one tick, against the
// floor of one set-based UPDATE ... FROM of the same 100,000 rows.
//
//   npx tsx bench/alerts.ts          (BENCH_RUNS=N, default 7)
//
// It prints figures; it is not a test. The state step is timed on its own
// (vigil._evaluate_alerts with the run's 100k results), as run_check calls it,
// in four cases: the first evaluation (100k alerts fire), the steady state
// (nothing changes), every value changing, and every severity flipping.
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
    -- The run's results, as run_check hands them to the state step. Warning
    -- is 80 (exit 70), critical 90 (exit 85): 84 and 86 are both warning,
    -- 95 is critical, and 84 brings a critical alert back to warning.
    create table bench.results as
      select array_agg('s' || g order by g) as series,
             array_agg(84::double precision order by g) as v84,
             array_agg(86::double precision order by g) as v86,
             array_agg(95::double precision order by g) as v95,
             array_agg('{}'::jsonb order by g) as labels,
             array_agg(null::jsonb order by g) as details
        from generate_series(1, ${N}) g;`);
  let minute = 0;
  const step = (values: 'v84' | 'v86' | 'v95') => {
    minute += 1;
    return timed(client, `select vigil._evaluate_alerts(c, $1::timestamptz, r.series, r.${values}, r.labels, r.details)
                            from vigil.checks c, bench.results r where c.name = 'bench'`, [new Date(Date.UTC(2026, 2, 10, 0, minute))]);
  };
  const floorStep = (values: 'v84' | 'v86') =>
    timed(client, `update vigil.alert_state a set value = u.value, last_eval_at = $1::timestamptz
                     from bench.results r, rows from (unnest(r.series), unnest(r.${values})) as u(series, value)
                    where a.check_name = 'bench' and a.series = u.series`, [new Date(Date.UTC(2026, 2, 11, 0, minute))]);

  const first = await step('v84'); // 100k new firing alerts: inserts + 100k events
  // Fill the flap history (21 evaluations, the default window): until then
  // every evaluation appends to it and so rewrites every row.
  const filling: number[] = [];
  for (let i = 1; i < 21; i += 1) filling.push(await step(i % 2 ? 'v86' : 'v84'));
  let current: 'v84' | 'v86' = 'v84';
  await client.query('vacuum analyze vigil.alert_state');
  const same: number[] = [];
  const changed: number[] = [];
  const flip: number[] = [];
  const floor: number[] = [];
  for (let i = 1; i <= RUNS; i += 1) {
    same.push(await step(current)); // all stay firing, same values: nothing to write
    current = current === 'v84' ? 'v86' : 'v84';
    changed.push(await step(current)); // every value changes, no state change: 100k rewrites
    floor.push(await floorStep(current)); // the floor, with the same values
    flip.push(await step('v95')); // warning -> critical: 100k rewrites + 100k severity_changed
    flip.push(await step('v84')); // critical -> warning: the same again
    current = 'v84';
  }
  const mFloor = median(floor);
  const row = (name: string, xs: number[]) => {
    const m = median(xs);
    console.log(`${name}: median ${m.toFixed(0)} ms, ${(m / mFloor).toFixed(2)}x the floor, ${Math.round(N / (m / 1000)).toLocaleString('en')} series/s (all: ${xs.map((x) => x.toFixed(0)).join(', ')})`);
  };
  console.log(`series: ${N}, runs: ${RUNS}`);
  console.log(`first evaluation (100k new alerts fire: insert + 100k events): ${first.toFixed(0)} ms`);
  row('filling the flap history (every row rewritten)', filling);
  row('steady, nothing changes (no write)', same);
  row('every value changes, no state change (100k rewrites)', changed);
  row('every alert changes severity (100k rewrites + 100k events)', flip);
  console.log(`floor, one UPDATE ... FROM of the same rows: median ${mFloor.toFixed(0)} ms, ${Math.round(N / (mFloor / 1000)).toLocaleString('en')} rows/s (all: ${floor.map((x) => x.toFixed(0)).join(', ')})`);
  console.log('goals: <= 3x the floor, >= 100,000 series/s');
  await client.end();
} finally {
  await server.stop();
}
