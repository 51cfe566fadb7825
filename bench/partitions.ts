// Benchmark: retention by partition drop against the equivalent DELETE.
//
//   npx tsx bench/partitions.ts      (BENCH_RUNS=N, default 5; BENCH_ROWS, default 1,000,000)
//
// It prints figures; it is not a test. Each run loads 1,000,000 samples
// spread evenly over 10 days (2026-01-01 to 2026-01-10 UTC) into
// vigil.samples (daily partitions) and the same rows into a plain table with
// the same columns and indexes, then removes the oldest 3 days from both:
//   - pgvigil: vigil.rotate_partitions(p_now) with samples' retention of 14
//     days, at the moment the first 3 days expire (the partitions for p_now
//     were premade beforehand, so the timed call only drops);
//   - yardstick: DELETE FROM plain WHERE at < '2026-01-04', then, timed on
//     its own, the VACUUM that a DELETE needs before its space can be reused.
// Then it measures both (pg_total_relation_size: heap, indexes and TOAST;
// for vigil.samples the sum over its partitions), and the WAL each wrote.
// The floor of a drop is measured too: a bare DROP TABLE of three plain
// tables holding the same 3 days (same rows, same index), committed. Every
// statement runs in its own transaction, as pg_cron or a DBA would run it,
// after a CHECKPOINT. Medians of BENCH_RUNS runs; both sides of a pair are
// measured in the same run.
//
// BENCH_COLD=1 measures what a retention job meets in production, where the
// expired days are old and no longer cached: before each timed statement the
// kernel's page cache is dropped (sync; echo 1 > /proc/sys/vm/drop_caches:
// root only). Put the
// cluster on the filesystem to measure with TMPDIR (the cluster goes to
// $TMPDIR/pgvigil-test-*).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { migrate } from '../src/migrate.js';
import { databaseUrl, startPrivateServer } from '../scripts/test-cluster.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const COLD = process.env.BENCH_COLD === '1';
const DAY0 = '2026-01-01 00:00:00+00';
const CUT = '2026-01-04 00:00:00+00'; // the oldest 3 days are before it
const NOW = '2026-01-18 00:00:00+00'; // CUT + 14 days: the first 3 days expire, exactly
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const kb = (b: number) => `${(b / 1024).toFixed(1)} kB`;
const all = (xs: number[], digits = 1) => xs.map((x) => x.toFixed(digits)).join(', ');

/** Runs one statement after a CHECKPOINT; its wall time and the WAL it wrote. */
async function timed(client: pg.Client, sql: string, params: unknown[] = []): Promise<{ ms: number; wal: number; r: pg.QueryResult }> {
  await client.query('checkpoint');
  const lsn = (await client.query<{ l: string }>('select pg_current_wal_insert_lsn()::text as l')).rows[0]!.l;
  const t0 = process.hrtime.bigint();
  const r = await client.query(sql, params);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const wal = await scalar(client, 'select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn) as v', [lsn]);
  return { ms, wal, r };
}
async function scalar(client: pg.Client, sql: string, params: unknown[] = []): Promise<number> {
  const r = await client.query<{ v: string }>(sql, params);
  return Number(r.rows[0]!.v);
}
const partitionedBytes = (c: pg.Client) =>
  scalar(c, `select sum(pg_total_relation_size(relid)) as v from pg_partition_tree('vigil.samples') where isleaf`);
const plainBytes = (c: pg.Client) => scalar(c, `select pg_total_relation_size('bench.samples_plain') as v`);

const server = await startPrivateServer();
try {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('create database bench_partitions');
  await admin.end();
  const url = databaseUrl(server.url, 'bench_partitions');
  await migrate({ databaseUrl: url });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  /**
   * With BENCH_COLD=1: the kernel's page cache is dropped. The server keeps
   * running, and so does this session with its catalog caches and compiled
   * functions, as pg_cron's would in production. The expired days are not in
   * shared buffers either: they were loaded first, and later loads pushed
   * them out (128 MB of shared buffers against 440 MB loaded).
   */
  const cold = async () => {
    if (!COLD) return;
    execFileSync('sync');
    try {
      writeFileSync('/proc/sys/vm/drop_caches', '1\n');
    } catch (e) {
      throw new Error(`BENCH_COLD=1 needs root to drop the page cache: ${(e as Error).message}`);
    }
  };
  // The yardstick: the same columns, defaults and indexes, not partitioned.
  await client.query(`create schema bench;
                      create table bench.samples_plain (like vigil.samples including all)`);

  const drop: number[] = [];
  const noop: number[] = [];
  const floor: number[] = [];
  const del: number[] = [];
  const vac: number[] = [];
  const wal = { drop: [] as number[], del: [] as number[], vac: [] as number[] };
  const size = { before: [] as number[], plainBefore: [] as number[], dropped: [] as number[], deleted: [] as number[], vacuumed: [] as number[] };
  for (let run = 1; run <= RUNS; run += 1) {
    // The 10 daily partitions (premake of the 1st and of the 6th), no retention.
    await client.query(`select vigil.register_partitioned('vigil.samples', 'day', p_retention => null, p_now => $1)`, [DAY0]);
    await client.query(`select * from vigil.rotate_partitions($1)`, [DAY0]);
    await client.query(`select * from vigil.rotate_partitions($1::timestamptz + interval '5 days')`, [DAY0]);
    await client.query('truncate vigil.samples, bench.samples_plain');
    // ROWS samples spread evenly over the 10 days: 30 checks x 1,000 series.
    await client.query(
      `insert into vigil.samples (at, check_name, series, value, labels, detail)
       select $1::timestamptz + (g::double precision / $2) * interval '10 days', 'check_' || g % 30, 'public.table_' || g % 1000,
              g % 997, jsonb_build_object('table', 'public.table_' || g % 1000), jsonb_build_object('warning', g % 7)
         from generate_series(0, $2 - 1) g`,
      [DAY0, ROWS],
    );
    await client.query('insert into bench.samples_plain select * from vigil.samples');
    await client.query('vacuum analyze vigil.samples');
    await client.query('vacuum analyze bench.samples_plain');
    // The floor: the same 3 days as 3 plain tables with the same index.
    for (let day = 1; day <= 3; day += 1) {
      await client.query(`drop table if exists bench.floor_${day}`);
      await client.query(`create table bench.floor_${day} as select * from vigil.samples_p2026010${day}`);
      await client.query(`create index on bench.floor_${day} (check_name, series, at desc)`);
      await client.query(`vacuum analyze bench.floor_${day}`);
    }
    if ((await scalar(client, 'select count(*) as v from vigil.samples_default')) !== 0) {
      throw new Error('rows in vigil.samples_default: the partitions are missing');
    }
    const expired = await scalar(client, 'select count(*) as v from vigil.samples where at < $1', [CUT]);
    size.before.push(await partitionedBytes(client));
    size.plainBefore.push(await plainBytes(client));
    // Premake for NOW, then turn the retention on: the timed call only drops.
    await client.query(`select * from vigil.rotate_partitions($1)`, [NOW]);
    await client.query(`select vigil.register_partitioned('vigil.samples', 'day', p_retention => '14 days', p_now => $1)`, [NOW]);

    // The floor and the rotation take turns going first (the disk's noise).
    if (run % 2 === 0) {
      await cold();
      floor.push((await timed(client, 'drop table bench.floor_1, bench.floor_2, bench.floor_3')).ms);
    }
    await cold();
    const d = await timed(client, `select * from vigil.rotate_partitions($1)`, [NOW]);
    const dropped = d.r.rows.filter((x: { action: string; partition: string }) => x.action === 'dropped' && x.partition.startsWith('vigil.samples_p'));
    if (dropped.length !== 3 || d.r.rows.length !== 3) throw new Error(`expected 3 samples partitions dropped, got ${JSON.stringify(d.r.rows)}`);
    drop.push(d.ms);
    wal.drop.push(d.wal);
    noop.push((await timed(client, `select * from vigil.rotate_partitions($1)`, [NOW])).ms);
    if (run % 2 === 1) {
      await cold();
      floor.push((await timed(client, 'drop table bench.floor_1, bench.floor_2, bench.floor_3')).ms);
    }
    size.dropped.push(await partitionedBytes(client));

    await cold();
    const x = await timed(client, 'delete from bench.samples_plain where at < $1', [CUT]);
    if (x.r.rowCount !== expired) throw new Error(`DELETE removed ${x.r.rowCount} rows, expected ${expired}`);
    del.push(x.ms);
    wal.del.push(x.wal);
    size.deleted.push(await plainBytes(client));
    await cold();
    const v = await timed(client, 'vacuum bench.samples_plain');
    vac.push(v.ms);
    wal.vac.push(v.wal);
    size.vacuumed.push(await plainBytes(client));
    console.log(`run ${run}: drop ${d.ms.toFixed(1)} ms, delete ${x.ms.toFixed(0)} ms, vacuum ${vac.at(-1)!.toFixed(0)} ms (${expired} rows)`);
  }

  const mDrop = median(drop);
  const mDel = median(del);
  const mVac = median(vac);
  console.log(`\nrows: ${ROWS.toLocaleString('en')} over 10 days; removed: the oldest 3 days; runs: ${RUNS}; ${COLD ? 'cold (page cache dropped before each timed statement)' : 'warm (the data just loaded, in cache)'}; cluster under ${tmpdir()}`);
  console.log(`retention by partition drop (vigil.rotate_partitions, 3 partitions): median ${mDrop.toFixed(1)} ms (all: ${all(drop)})`);
  console.log(`  a rotation with nothing to do: median ${median(noop).toFixed(1)} ms (all: ${all(noop)})`);
  console.log(`  floor, a bare DROP TABLE of the same 3 days as plain tables: median ${median(floor).toFixed(1)} ms (all: ${all(floor)})`);
  console.log(`DELETE of the same rows from the plain table: median ${mDel.toFixed(0)} ms (all: ${all(del, 0)})`);
  console.log(`  then VACUUM: median ${mVac.toFixed(0)} ms (all: ${all(vac, 0)})`);
  console.log(`ratio DELETE / drop: ${(mDel / mDrop).toFixed(0)}x; (DELETE + VACUUM) / drop: ${((mDel + mVac) / mDrop).toFixed(0)}x (goal >= 100x)`);
  console.log(`  against the floor: DELETE / bare DROP ${(mDel / median(floor)).toFixed(0)}x; (DELETE + VACUUM) / bare DROP ${((mDel + mVac) / median(floor)).toFixed(0)}x`);
  const m = (xs: number[]) => median(xs);
  console.log(`WAL written: drop ${kb(m(wal.drop))}; DELETE ${mb(m(wal.del))} + VACUUM ${mb(m(wal.vac))} (${((m(wal.del) + m(wal.vac)) / m(wal.drop)).toFixed(0)}x)`);
  console.log(`size before: partitioned ${mb(m(size.before))}, plain ${mb(m(size.plainBefore))}`);
  console.log(`size after: partitioned ${mb(m(size.dropped))} (${((100 * m(size.dropped)) / m(size.before)).toFixed(0)}% of before; 70% of the rows left)`);
  console.log(`            plain after DELETE ${mb(m(size.deleted))} (${((100 * m(size.deleted)) / m(size.plainBefore)).toFixed(0)}%), after VACUUM ${mb(m(size.vacuumed))} (${((100 * m(size.vacuumed)) / m(size.plainBefore)).toFixed(0)}%)`);
  await client.end();
} finally {
  await server.stop();
}
