// Benchmark: vigil.run_checks() with every built-in check enabled, against
// check_postgres running the equivalent actions, on the same database with
// 10,000 tables and 20,000 indexes; and pgvigil at 1,000 against 10,000 tables.
//
//   npx tsx bench/checks.ts            (runs = 7 by default; BENCH_RUNS=N to change)
//
// It prints figures; it is not a test. Medians of BENCH_RUNS runs; every
// measurement of a pair is taken in the same run, on the same cluster.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { migrate } from '../src/migrate.js';
import { databaseUrl, startPrivateServer } from '../scripts/test-cluster.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// The actions the issue names, less lockwait: check_postgres 2.25 (Debian
// bookworm) has no lockwait action (pgvigil's blocked_sessions covers it).
const CHECK_POSTGRES_ACTIONS: Array<[string, string[]]> = [
  ['backends', []],
  ['txn_time', ['--warning=5 minutes', '--critical=15 minutes']],
  ['txn_idle', ['--warning=1 minute', '--critical=5 minutes']],
  ['query_time', ['--warning=2 minutes', '--critical=5 minutes']],
  ['locks', ['--warning=100', '--critical=200']],
  ['bloat', ['--warning=50%', '--critical=80%']],
  ['hitratio', ['--warning=99%', '--critical=95%']],
  ['txn_wraparound', []],
  ['last_autovacuum', ['--warning=1d', '--critical=7d']],
  ['sequence', []],
  ['prepared_txns', ['--warning=60', '--critical=300']],
  ['disabled_triggers', []],
  ['database_size', ['--warning=100 GB', '--critical=200 GB']],
  ['replication_slots', ['--warning=1GB', '--critical=10GB']],
];

async function buildTables(client: pg.Client, n: number): Promise<void> {
  await client.query('create schema if not exists bench');
  const batch = 250; // keep the locks of one transaction well under max_locks_per_transaction
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1);
    await client.query(`do $$ begin
      for i in ${from}..${to} loop
        execute format('create table bench.t%s (id serial primary key, v int, w text)', i);
        execute format('create index on bench.t%s (v)', i);
        execute format('insert into bench.t%s (v, w) select g, ''x'' from generate_series(1, 10) g', i);
      end loop; end $$`);
  }
  await client.query('analyze');
}

async function timeRunChecks(client: pg.Client): Promise<{ ms: number[]; rows: number[] }> {
  const ms: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    // A new day each run, so that every check (daily ones too) is due.
    const now = new Date(Date.UTC(2026, 2, 10 + i, 12, 0, 0));
    const before = await client.query<{ n: string }>('select (select count(*) from vigil.samples) + (select count(*) from vigil.check_runs) as n');
    const t0 = process.hrtime.bigint();
    const r = await client.query('select * from vigil.run_checks($1::timestamptz)', [now]);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const after = await client.query<{ n: string }>('select (select count(*) from vigil.samples) + (select count(*) from vigil.check_runs) as n');
    rows.push(Number(after.rows[0]!.n) - Number(before.rows[0]!.n));
    if (i === 0) {
      const failed = r.rows.filter((x: { status: string }) => x.status !== 'ok');
      if (failed.length) console.log('  checks not ok:', JSON.stringify(failed));
      console.log(`  checks run per tick: ${r.rowCount}`);
    }
  }
  return { ms, rows };
}

function timeCheckPostgres(host: string, db: string): { ms: number[]; failures: string[] } {
  const ms: number[] = [];
  const failures = new Set<string>();
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = process.hrtime.bigint();
    for (const [action, extra] of CHECK_POSTGRES_ACTIONS) {
      const r = spawnSync('check_postgres', [`--action=${action}`, `--dbhost=${host}`, '--dbuser=postgres', `--dbname=${db}`, ...extra], { encoding: 'utf8' });
      if (r.status === null || r.status > 2) failures.add(`${action}: ${(r.stdout + r.stderr).trim().slice(0, 160)}`);
    }
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms, failures: [...failures] };
}

const server = await startPrivateServer({ max_locks_per_transaction: '256' });
try {
  const host = new URL(server.url).searchParams.get('host')!;
  const results: Record<number, { vigil: number; rows: number; cp?: number }> = {};
  for (const n of [1_000, 10_000]) {
    const db = `bench_${n}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`create database ${db}`);
    await admin.end();
    const url = databaseUrl(server.url, db);
    await migrate({ databaseUrl: url });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const t0 = Date.now();
    await buildTables(client, n);
    const shape = await client.query<{ t: string; i: string }>(`select (select count(*) from pg_class where relkind = 'r' and relnamespace = 'bench'::regnamespace) as t, (select count(*) from pg_class where relkind = 'i' and relnamespace = 'bench'::regnamespace) as i`);
    console.log(`\n${db}: ${shape.rows[0]!.t} tables, ${shape.rows[0]!.i} indexes (built in ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    const enabled = await client.query<{ n: string }>('select count(*) as n from vigil.checks where enabled');
    console.log(`  built-in checks enabled: ${enabled.rows[0]!.n}`);
    const v = await timeRunChecks(client);
    results[n] = { vigil: median(v.ms), rows: median(v.rows) };
    console.log(`  pgvigil run_checks: median ${median(v.ms).toFixed(1)} ms over ${RUNS} runs (all: ${v.ms.map((x) => x.toFixed(0)).join(', ')}); rows written per tick: median ${median(v.rows)}`);
    const slowest = await client.query<{ check_name: string; ms: number }>(
      `select check_name, percentile_cont(0.5) within group (order by duration_ms) as ms
         from vigil.check_runs group by check_name order by ms desc limit 6`,
    );
    console.log(`  slowest checks (median ms): ${slowest.rows.map((r) => `${r.check_name} ${Number(r.ms).toFixed(1)}`).join(', ')}`);
    if (n === 10_000) {
      const cp = timeCheckPostgres(host, db);
      results[n]!.cp = median(cp.ms);
      console.log(`  check_postgres, ${CHECK_POSTGRES_ACTIONS.length} actions: median ${median(cp.ms).toFixed(1)} ms (all: ${cp.ms.map((x) => x.toFixed(0)).join(', ')})`);
      if (cp.failures.length) console.log(`  check_postgres actions that returned UNKNOWN: ${cp.failures.join(' | ')}`);
    }
    await client.end();
  }
  const r10 = results[10_000]!;
  const r1 = results[1_000]!;
  console.log('\nsummary');
  console.log(`  check_postgres / pgvigil at 10k tables: ${(r10.cp! / r10.vigil).toFixed(1)}x  (goal >= 10x)`);
  console.log(`  pgvigil t(10k) / t(1k): ${(r10.vigil / r1.vigil).toFixed(2)}  (goal <= 10)`);
  console.log(`  rows written per tick: ${r1.rows} at 1k tables, ${r10.rows} at 10k tables`);
} finally {
  await server.stop();
}
