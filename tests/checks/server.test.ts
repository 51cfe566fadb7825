// The built-in checks about the server, WAL, replication and extensions, each
// proven on a real condition the test creates: a replication slot that holds
// WAL, rolled-back transactions, CHECKPOINTs, slow statements, a failing
// archive_command, a lost slot, a live WAL receiver, a failing pg_cron job.
// Cluster-wide conditions that would disturb other test files (archiving,
// max_slot_wal_keep_size, cron jobs) run on a private cluster.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../../src/migrate.js';
import { localBinariesAvailable, startPrivateServer, type TestServer } from '../../scripts/test-cluster.js';
import { clientBinary, databasesForThisFile, server, withClient } from '../helpers/db.js';
import { installCron } from '../helpers/prepare.js';

const s = server();
const fresh = databasesForThisFile();
const unique = `${process.pid}_${Date.now().toString(36)}`;

interface Row {
  series: string;
  value: number | null;
  labels: Record<string, unknown>;
  detail: Record<string, unknown>;
}

/**
 * Calls vigil.check_<name> the way the engine does: params plus _check and
 * _now. _check is not the built-in check's name, so that these calls keep
 * their own counters even where a tick runs the built-in one.
 */
async function runCheck(url: string, name: string, params: Record<string, unknown> = {}, now: Date = new Date()): Promise<Row[]> {
  const r = await withClient(url, (c) =>
    c.query<Row>(`select series, value, labels, detail from vigil.check_${name}($1::jsonb)`, [
      JSON.stringify({ _check: `test_${name}`, _now: now.toISOString(), ...params }),
    ]),
  );
  return r.rows;
}

/** Polls fn until it returns something truthy, at most timeoutMs. */
async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Cumulative counters of one database, read from outside it with a fresh snapshot. */
async function dbStats(c: pg.Client, name: string): Promise<{ commits: number; rollbacks: number; blocks: number }> {
  await c.query('select pg_stat_clear_snapshot()');
  const r = await c.query<{ commits: string; rollbacks: string; blocks: string }>(
    'select xact_commit as commits, xact_rollback as rollbacks, blks_hit + blks_read as blocks from pg_stat_database where datname = $1',
    [name],
  );
  const row = r.rows[0]!;
  return { commits: Number(row.commits), rollbacks: Number(row.rollbacks), blocks: Number(row.blocks) };
}

/** Generates a few MB of WAL in a database and switches to a new segment. */
async function generateWal(url: string, table: string, rows = 5000): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(`create table if not exists ${table} (id int, pad text)`);
    await c.query(`insert into ${table} select g, repeat('x', 1000) from generate_series(1, $1::int) g`, [rows]);
    await c.query('select pg_switch_wal()');
  });
}

const hasCron = s.preloaded.includes('pg_cron');
const hasStatements = s.preloaded.includes('pg_stat_statements') && s.extensions.includes('pg_stat_statements');

// The private cluster: failing archive_command, slots that may keep no WAL
// beyond the current segment, and pg_cron in "postgres" with pgvigil migrated
// there. The cron job is scheduled first, so that its minute boundary passes
// while the other tests run.
let priv: TestServer | undefined;
let cronJobId: number | undefined;
let cronScheduledAt = 0;
const privateTests = localBinariesAvailable();

beforeAll(async () => {
  if (!privateTests) return;
  priv = await startPrivateServer({ archive_mode: 'on', archive_command: 'false', max_slot_wal_keep_size: '1MB' });
  await installCron(priv);
  await migrate({ databaseUrl: priv.url });
  if (priv.preloaded.includes('pg_cron')) {
    const r = await withClient(priv.url, (c) =>
      c.query<{ id: string }>(`select cron.schedule('vigil_test_fail', '* * * * *', 'select 1/0') as id`),
    );
    cronJobId = Number(r.rows[0]!.id);
    cronScheduledAt = Date.now();
  }
});

afterAll(async () => {
  if (!priv) return;
  if (cronJobId !== undefined) {
    await withClient(priv.url, (c) => c.query(`select cron.unschedule(jobid) from cron.job where jobid = $1`, [cronJobId])).catch(() => {});
  }
  await priv.stop();
});

describe('replication_slots', () => {
  test('an inactive slot that holds WAL reports its retained bytes, and disappears once dropped', async () => {
    const db = await fresh();
    const slot = `vigil_t_${unique}`;
    await db.query('select pg_create_physical_replication_slot($1, true)', [slot]);
    try {
      await generateWal(db.url, 'wal_filler');
      // Slots are cluster-wide and other test files run in parallel: only ours.
      const rows = (await runCheck(db.url, 'replication_slots')).filter((r) => r.series === slot);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.value).toBeGreaterThan(1_000_000);
      expect(row.labels).toEqual({ slot, type: 'physical', database: null, active: false });
      expect(row.detail.retained_bytes).toBe(row.value);
      expect(['reserved', 'extended']).toContain(row.detail.wal_status);
      expect(row.detail).toHaveProperty('safe_wal_size');
      expect(row.detail.active_pid).toBeNull();
      expect(String(row.detail.hint)).toMatch(/inactive slot/);
    } finally {
      await db.query('select pg_drop_replication_slot($1)', [slot]);
    }
    const after = (await runCheck(db.url, 'replication_slots')).filter((r) => r.series === slot);
    expect(after).toEqual([]);
  });
});

describe('rollback_ratio', () => {
  test('the first run sets the baseline; 50 rollbacks out of 200 transactions then read about 25 %', async () => {
    const db = await fresh();
    const first = await runCheck(db.url, 'rollback_ratio');
    expect(first).toHaveLength(1);
    expect(first[0]!.series).toBe(db.name);
    expect(first[0]!.value).toBeNull();

    await withClient(s.url, async (outside) => {
      const before = await dbStats(outside, db.name);
      await withClient(db.url, async (c) => {
        await c.query('create temporary table scratch (i int)');
        for (let i = 0; i < 200; i++) {
          await c.query('begin');
          await c.query('insert into scratch values ($1)', [i]);
          await c.query(i % 4 === 0 ? 'rollback' : 'commit');
        }
      });
      // Backends flush their counters at most once a second, and on exit.
      await until(
        'the 200 transactions in pg_stat_database',
        async () => {
          const now = await dbStats(outside, db.name);
          return now.rollbacks >= before.rollbacks + 50 && now.commits >= before.commits + 150;
        },
        15_000,
      );
    });

    const second = await runCheck(db.url, 'rollback_ratio');
    expect(second).toHaveLength(1);
    const row = second[0]!;
    expect(row.detail.rollbacks).toBe(50);
    expect(row.detail.commits).toBeGreaterThanOrEqual(150);
    // 50 / (150 + the few commits of connecting and of the first run)
    expect(row.value).toBeGreaterThan(20);
    expect(row.value).toBeLessThanOrEqual(25);
    expect(row.labels).toEqual({ database: db.name });
  });

  test('below min_transactions the value is null and detail says why', async () => {
    const db = await fresh();
    await runCheck(db.url, 'rollback_ratio');
    const rows = await runCheck(db.url, 'rollback_ratio', { min_transactions: 1_000_000 });
    expect(rows[0]!.value).toBeNull();
    expect(String(rows[0]!.detail.note)).toMatch(/min_transactions/);
  });
});

describe('cache_hit_ratio', () => {
  test('after reading data the value is a percent; with a huge min_blocks it is null', async () => {
    const db = await fresh();
    const first = await runCheck(db.url, 'cache_hit_ratio');
    expect(first[0]!.value).toBeNull();

    await withClient(s.url, async (outside) => {
      const before = await dbStats(outside, db.name);
      await withClient(db.url, async (c) => {
        await c.query('create table reads as select g as id, repeat($1, 100) as pad from generate_series(1, 50000) g', ['r']);
        for (let i = 0; i < 3; i++) await c.query('select count(*) from reads');
      });
      await until('the block reads in pg_stat_database', async () => (await dbStats(outside, db.name)).blocks >= before.blocks + 2000, 15_000);
    });

    const rows = await runCheck(db.url, 'cache_hit_ratio');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.value).not.toBeNull();
    expect(row.value).toBeGreaterThan(0);
    expect(row.value).toBeLessThanOrEqual(100);
    expect(Number(row.detail.blocks_hit) + Number(row.detail.blocks_read)).toBeGreaterThanOrEqual(1000);

    await db.query('select count(*) from reads');
    const huge = await runCheck(db.url, 'cache_hit_ratio', { min_blocks: 1e15 });
    expect(huge[0]!.value).toBeNull();
    expect(String(huge[0]!.detail.note)).toMatch(/min_blocks/);
  });
});

describe('requested_checkpoints', () => {
  test('three CHECKPOINT commands after the baseline make the requested share high', async () => {
    const db = await fresh();
    const first = await runCheck(db.url, 'requested_checkpoints');
    expect(first[0]!.value).toBeNull();
    expect(first[0]!.detail.source).toBe(s.major >= 17 ? 'pg_catalog.pg_stat_checkpointer' : 'pg_catalog.pg_stat_bgwriter');

    const counter =
      s.major >= 17 ? 'select num_requested as n from pg_stat_checkpointer' : 'select checkpoints_req as n from pg_stat_bgwriter';
    await withClient(s.url, async (c) => {
      await c.query('select pg_stat_clear_snapshot()');
      const before = Number((await c.query<{ n: string }>(counter)).rows[0]!.n);
      for (let i = 0; i < 3; i++) await c.query('checkpoint');
      await until(
        'three requested checkpoints in the statistics',
        async () => {
          await c.query('select pg_stat_clear_snapshot()');
          return Number((await c.query<{ n: string }>(counter)).rows[0]!.n) >= before + 3;
        },
        15_000,
      );
    });

    const rows = await runCheck(db.url, 'requested_checkpoints');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.series).toBe('checkpoints');
    expect(Number(row.detail.requested)).toBeGreaterThanOrEqual(3);
    // Other test files may add requested checkpoints; a timed one may slip in.
    expect(row.value).toBeGreaterThanOrEqual(50);
    expect(row.value).toBeLessThanOrEqual(100);
    expect(String(row.detail.hint)).toMatch(/max_wal_size/);
  });
});

describe('database_size', () => {
  test('without capacity_bytes the value is bytes and detail says so; with it, a percent', async () => {
    const db = await fresh();
    const t0 = new Date();
    const bytes = await runCheck(db.url, 'database_size', {}, t0);
    expect(bytes).toHaveLength(1);
    const b = bytes[0]!;
    expect(b.series).toBe(db.name);
    expect(b.value).toBeGreaterThan(1_000_000);
    expect(b.detail.size_bytes).toBe(b.value);
    expect(b.detail.unit).toBe('bytes');
    expect(String(b.detail.note)).toMatch(/no capacity is set/);

    const capacity = 4 * b.value!;
    const pct = await runCheck(db.url, 'database_size', { capacity_bytes: capacity }, t0);
    expect(pct[0]!.value).toBeCloseTo(25, 0);
    expect(pct[0]!.detail.unit).toBe('percent of capacity_bytes');
    expect(pct[0]!.detail.capacity_bytes).toBe(capacity);
    expect(pct[0]!.detail).not.toHaveProperty('note');
  });

  test('growth_bytes_per_day compares with a sample at least an hour old (tick time replayed)', async () => {
    const db = await fresh();
    const t0 = new Date();
    const first = await runCheck(db.url, 'database_size', {}, t0);
    expect(first[0]!.detail).not.toHaveProperty('growth_bytes_per_day');
    await db.query(`create table grow as select g, repeat('g', 500) as pad from generate_series(1, 10000) g`);
    const later = await runCheck(db.url, 'database_size', { capacity_bytes: 1e12 }, new Date(t0.getTime() + 2 * 3600_000));
    const d = later[0]!.detail;
    const grown = Number(d.size_bytes) - first[0]!.value!;
    expect(grown).toBeGreaterThan(4_000_000);
    expect(d.growth_measured_over_hours).toBe(2);
    expect(Number(d.growth_bytes_per_day)).toBeCloseTo(grown * 12, -1);
    expect(Number(d.days_until_full)).toBeGreaterThan(0);
  });
});

describe.runIf(hasStatements)('statement_outliers', () => {
  test('a statement slower than min_mean_ms, called min_calls times, is reported with its mean', async () => {
    const db = await fresh();
    await withClient(db.url, async (c) => {
      for (let i = 0; i < 10; i++) await c.query('select pg_sleep(0.15)');
    });
    const rows = await runCheck(db.url, 'statement_outliers');
    const sleep = rows.filter((r) => /pg_sleep/.test(String(r.detail.query)));
    expect(sleep).toHaveLength(1);
    const row = sleep[0]!;
    expect(row.value).toBeGreaterThanOrEqual(150);
    expect(row.detail.calls).toBeGreaterThanOrEqual(10);
    expect(Number(row.detail.total_ms)).toBeGreaterThanOrEqual(1500);
    expect(row.series).toMatch(/^-?\d+$/);
    expect(row.labels).toEqual({ queryid: row.series });

    // Fewer calls than min_calls, or a higher min_mean_ms: not reported.
    expect((await runCheck(db.url, 'statement_outliers', { min_calls: 11 })).filter((r) => r.series === row.series)).toEqual([]);
    expect((await runCheck(db.url, 'statement_outliers', { min_mean_ms: 10_000 })).filter((r) => r.series === row.series)).toEqual([]);
    // pg_stat_statements is cluster-wide: another database does not see them.
    const other = await fresh();
    expect((await runCheck(other.url, 'statement_outliers')).filter((r) => r.series === row.series)).toEqual([]);
  });

  test('without pg_stat_statements in the database: no rows, no error', async () => {
    const db = await fresh();
    await db.query('drop extension pg_stat_statements');
    await withClient(db.url, async (c) => {
      for (let i = 0; i < 10; i++) await c.query('select pg_sleep(0.11)');
    });
    expect(await runCheck(db.url, 'statement_outliers')).toEqual([]);
  });
});

describe('replication_lag, wal_archiving and cron_job_failures on the shared cluster', () => {
  test('no replicas: replication_lag returns no rows and no error', async () => {
    const db = await fresh();
    expect(await runCheck(db.url, 'replication_lag')).toEqual([]);
  });

  test('pg_cron is not in this database: cron_job_failures returns no rows and no error', async () => {
    const db = await fresh();
    expect(await runCheck(db.url, 'cron_job_failures')).toEqual([]);
  });

  test('archive_mode off: wal_archiving returns no rows', async () => {
    const db = await fresh();
    const mode = await db.query<{ archive_mode: string }>('show archive_mode');
    expect(mode.rows[0]!.archive_mode).toBe('off');
    expect(await runCheck(db.url, 'wal_archiving')).toEqual([]);
  });

  test('every check runs through vigil.run_check with status ok', async () => {
    const db = await fresh();
    const names = [
      'rollback_ratio',
      'cache_hit_ratio',
      'replication_lag',
      'replication_slots',
      'wal_archiving',
      'requested_checkpoints',
      'database_size',
      'statement_outliers',
      'cron_job_failures',
    ];
    await withClient(db.url, async (c) => {
      for (const name of names) {
        // Not the built-in names, which a migration may already have registered.
        const check = `engine_${name}`;
        await c.query('select vigil.add_check(p_name => $1, p_function => $2, p_warning => 1, p_critical => 2)', [check, `vigil.check_${name}`]);
        const r = await c.query<{ status: string }>('select vigil.run_check($1) as status', [check]);
        expect(r.rows[0]!.status, name).toBe('ok');
      }
      const errors = await c.query(`select check_name, error from vigil.check_runs where status <> 'ok'`);
      expect(errors.rows).toEqual([]);
    });
  });
});

describe.runIf(privateTests)('on a private cluster', () => {
  test('a failing archive_command is reported with the failed segment', async () => {
    const p = priv!;
    await generateWal(p.url, 'archive_filler', 1000);
    await withClient(p.url, (c) =>
      until(
        'a failure in pg_stat_archiver',
        async () => {
          await c.query('select pg_stat_clear_snapshot()');
          const r = await c.query<{ failed: string }>('select failed_count as failed from pg_stat_archiver');
          return Number(r.rows[0]!.failed) >= 1;
        },
        30_000,
      ),
    );
    const rows = await runCheck(p.url, 'wal_archiving');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.series).toBe('archiver');
    expect(row.value).toBeGreaterThanOrEqual(1);
    // Nothing was ever archived: every failure counts.
    expect(row.value).toBe(Number(row.detail.failed_count));
    expect(String(row.detail.last_failed_wal)).toMatch(/^[0-9A-F]{24}$/);
    expect(row.detail.last_failed_time).not.toBeNull();
    expect(row.detail.last_archived_time).toBeNull();
    expect(Number(row.detail.ready_segments)).toBeGreaterThanOrEqual(1);
    expect(String(row.detail.hint)).toMatch(/archiving is failing/);
  });

  test('a slot that lost its WAL reports at least the critical threshold of its check', async () => {
    const p = priv!;
    const slot = 'vigil_lost_slot';
    await withClient(p.url, (c) => c.query('select pg_create_physical_replication_slot($1, true)', [slot]));
    try {
      // max_slot_wal_keep_size = 1MB: two segments later and a checkpoint, the slot is lost.
      for (let i = 0; i < 3; i++) await generateWal(p.url, 'slot_filler', 1000);
      await withClient(p.url, (c) => c.query('checkpoint'));
      const row = (await runCheck(p.url, 'replication_slots')).find((r) => r.series === slot);
      expect(row).toBeDefined();
      expect(['lost', 'unreserved']).toContain(row!.detail.wal_status);
      expect(row!.value).toBeGreaterThanOrEqual(10 * 1024 ** 3);
      expect(String(row!.detail.hint)).toMatch(/WAL/);

      // Registered with a higher critical, the engine records at least that.
      await withClient(p.url, async (c) => {
        await c.query(
          `select vigil.add_check(p_name => 'slots_high_critical', p_function => 'vigil.check_replication_slots',
                                  p_warning => 1073741824, p_critical => 21474836480)`,
        );
        const r = await c.query<{ status: string }>(`select vigil.run_check('slots_high_critical') as status`);
        expect(r.rows[0]!.status).toBe('ok');
        const sample = await c.query<{ value: number }>(
          `select value from vigil.samples where check_name = 'slots_high_critical' and series = $1`,
          [slot],
        );
        expect(sample.rows).toHaveLength(1);
        expect(sample.rows[0]!.value).toBeGreaterThanOrEqual(21474836480);
        await c.query(`select vigil.remove_check('slots_high_critical')`);
      });
    } finally {
      await withClient(p.url, (c) => c.query('select pg_drop_replication_slot($1)', [slot]));
    }
  });

  test('a live WAL receiver (pg_receivewal) is one replica row with its lag in seconds', async (ctx) => {
    const p = priv!;
    // pg_receivewal refuses a server newer than itself (the version matrix
    // runs servers without client binaries, next to an older pg_receivewal).
    const bin = clientBinary('pg_receivewal', p.bindir);
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    const clientMajor = Number(/(\d+)/.exec(version.stdout ?? '')?.[1] ?? 0);
    if (clientMajor < p.major) ctx.skip(`pg_receivewal ${clientMajor} cannot stream from PostgreSQL ${p.major}`);
    const dir = mkdtempSync(join(tmpdir(), 'pgvigil-receivewal-'));
    let receiver: ChildProcess | undefined;
    try {
      receiver = spawn(bin, ['-d', p.url, '-D', dir, '--status-interval=1', '--no-loop'], {
        stdio: 'ignore',
      });
      await until('pg_receivewal in pg_stat_replication', async () => (await runCheck(p.url, 'replication_lag')).length > 0, 20_000);
      // Lag is measured on WAL that flows: write some while polling.
      const row = await until(
        'pg_receivewal streaming, with a measured lag',
        async () => {
          await generateWal(p.url, 'receiver_filler', 10);
          // A receiver that is still catching up reports state 'catchup'
          // first; the check passes that state through as it is.
          return (await runCheck(p.url, 'replication_lag')).find(
            (r) => r.series === 'pg_receivewal' && r.value !== null && r.detail.state === 'streaming',
          );
        },
        20_000,
        300,
      );
      expect(row.value).toBeGreaterThanOrEqual(0);
      expect(row.value).toBeLessThan(30);
      expect(row.labels).toMatchObject({ replica: 'pg_receivewal', kind: 'physical' });
      expect(row.detail.state).toBe('streaming');
      expect(typeof row.detail.pid).toBe('number');
    } finally {
      if (receiver?.pid !== undefined && receiver.exitCode === null) {
        const exited = new Promise((r) => receiver!.once('exit', r));
        receiver.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
    // Gone: no rows again.
    await until('the receiver to leave pg_stat_replication', async () => (await runCheck(p.url, 'replication_lag')).length === 0, 10_000);
  });

  test.runIf(hasCron)('a pg_cron job that fails is reported with its error', async () => {
    const p = priv!;
    expect(cronJobId).toBeDefined();
    // One minute boundary: the job runs at the next one after it was scheduled.
    const remaining = Math.max(75_000 - (Date.now() - cronScheduledAt), 1_000);
    await withClient(p.url, (c) =>
      until(
        'the cron job to run and fail',
        async () => {
          const r = await c.query(`select 1 from cron.job_run_details where jobid = $1 and status = 'failed'`, [cronJobId]);
          return (r.rowCount ?? 0) > 0;
        },
        remaining,
        500,
      ),
    );
    const now = new Date();
    const rows = await runCheck(p.url, 'cron_job_failures', {}, now);
    const row = rows.find((r) => r.series === 'vigil_test_fail');
    expect(row).toBeDefined();
    expect(row!.value).toBeGreaterThanOrEqual(1);
    expect(row!.labels).toMatchObject({ job: 'vigil_test_fail', jobid: cronJobId, database: 'postgres' });
    expect(String(row!.detail.last_error)).toMatch(/division by zero/);
    expect(row!.detail.command).toBe('select 1/0');
    expect(row!.detail.last_failure_at).not.toBeNull();

    // The window is relative to the tick time: two hours later it is clean.
    const later = await runCheck(p.url, 'cron_job_failures', {}, new Date(now.getTime() + 2 * 3600_000));
    expect(later.find((r) => r.series === 'vigil_test_fail')!.value).toBe(0);

    await withClient(p.url, (c) => c.query('select cron.unschedule($1::bigint)', [cronJobId]));
    cronJobId = undefined;
    expect((await runCheck(p.url, 'cron_job_failures', {}, now)).find((r) => r.series === 'vigil_test_fail')).toBeUndefined();
  });

});
