// The built-in checks about sessions and locks, each proven on a real
// condition that the test makes with real sessions (extra pg.Client
// connections), and proven to clear once the test removes the condition.
//
// Other test files share the server and run in parallel, and pg_stat_activity
// and pg_prepared_xacts are cluster-wide: every assertion is filtered to the
// pids and gids this file made. The connections check needs a cluster of its
// own (max_connections = 20).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../../src/migrate.js';
import { localBinariesAvailable, startPrivateServer, type TestServer } from '../../scripts/test-cluster.js';
import { databasesForThisFile, ident, type TestDatabase } from '../helpers/db.js';

type Json = Record<string, unknown>;
interface CheckRow {
  series: string;
  value: number | null;
  labels: Json;
  detail: Json | null;
}

const fresh = databasesForThisFile();
const open = new Set<pg.Client>();
const rolesToDrop: string[] = [];
let db: TestDatabase;
let checker: pg.Client;

const random = () => randomBytes(5).toString('hex');

/** A session of its own; an error on it (terminated, server gone) must not crash the run. */
async function connect(url: string, application: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: application });
  c.on('error', () => {});
  await c.connect();
  open.add(c);
  return c;
}

async function close(c: pg.Client): Promise<void> {
  open.delete(c);
  await c.end().catch(() => {});
}

async function whoami(c: pg.Client): Promise<{ pid: number; user: string }> {
  const r = await c.query<{ pid: number; user: string }>('select pg_catalog.pg_backend_pid() as pid, current_user as "user"');
  return r.rows[0]!;
}

async function runCheck(c: pg.Client, name: string, params: Json = {}): Promise<CheckRow[]> {
  const r = await c.query<CheckRow>(`select series, value, labels, detail from vigil.${ident(`check_${name}`)}($1::jsonb)`, [
    JSON.stringify(params),
  ]);
  return r.rows;
}

const seriesOf = (rows: CheckRow[]) => rows.map((r) => r.series);

/** Polls until probe returns something truthy; fails after timeoutMs. Never a blind sleep. */
async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false | 0>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until the check no longer returns the series. Needed after a statement
 * fails: the client sees the error before the server has reported the session
 * idle (that happens just before ReadyForQuery).
 */
function waitForCleared(c: pg.Client, name: string, params: Json, series: string): Promise<true> {
  return waitFor(`${name} to stop reporting ${series}`, async () => !seriesOf(await runCheck(c, name, params)).includes(series));
}

/** Waits until a session is in the given state (and, optionally, has been for some seconds since query_start). */
function waitForActivity(pid: number, condition: string, what: string): Promise<number> {
  return waitFor(what, async () => {
    const r = await checker.query(`select 1 from pg_catalog.pg_stat_activity a where a.pid = $1 and (${condition})`, [pid]);
    return r.rowCount ?? 0;
  });
}

/** Runs a statement without waiting for it; the promise settles to the rows' count or the error's SQLSTATE. */
function startQuery(c: pg.Client, sql: string): Promise<{ ok: true; rowCount: number } | { ok: false; code: string | undefined }> {
  return c.query(sql).then(
    (r) => ({ ok: true as const, rowCount: r.rowCount ?? 0 }),
    (e: unknown) => ({ ok: false as const, code: (e as { code?: string }).code }),
  );
}

beforeAll(async () => {
  db = await fresh('migrated');
  checker = await connect(db.url, 'sessions_test_checker');
  await checker.query(`
    create table public.t (id int primary key, v int not null);
    insert into public.t values (1, 0), (2, 0);
    create table public.p (id int primary key)`);
});

afterAll(async () => {
  // Clean up even when a test failed half-way: prepared transactions of this
  // database (they would also stop the database from being dropped), sessions,
  // and the roles made for the privilege test.
  if (db) {
    const c = await connect(db.url, 'sessions_test_cleanup');
    const prepared = await c.query<{ gid: string }>('select gid from pg_catalog.pg_prepared_xacts where database = current_database()');
    for (const { gid } of prepared.rows) await c.query(`rollback prepared '${gid.replace(/'/g, "''")}'`);
    for (const role of rolesToDrop) {
      await c.query(`select pg_catalog.pg_terminate_backend(pid) from pg_catalog.pg_stat_activity where usename = $1`, [role]);
      await c.query(`drop owned by ${ident(role)}`);
      await c.query(`drop role ${ident(role)}`);
    }
  }
  for (const c of [...open]) await close(c);
});

describe('session checks on real sessions', () => {
  test('idle_in_transaction: a session idle in a transaction (and in an aborted one) is reported, then cleared at rollback', async () => {
    const app = `iit_${random()}`;
    const b = await connect(db.url, app);
    try {
      const me = await whoami(b);
      await b.query('begin');
      await b.query('select 1');
      const row = await waitFor('the idle-in-transaction session to be reported after 1 s', async () =>
        (await runCheck(checker, 'idle_in_transaction')).find((r) => r.series === String(me.pid) && (r.value ?? 0) >= 1),
      );
      expect(row.labels).toEqual({ pid: me.pid, database: db.name, user: me.user, application: app });
      expect(row.detail).toMatchObject({ state: 'idle in transaction', last_query: 'select 1' });

      await expect(b.query('select 1 / 0')).rejects.toThrow(/division by zero/);
      const aborted = await waitFor('the session to be reported idle in an aborted transaction', async () =>
        (await runCheck(checker, 'idle_in_transaction', { min_seconds: 0 })).find(
          (r) => r.series === String(me.pid) && r.detail?.state === 'idle in transaction (aborted)',
        ),
      );
      expect(aborted.detail).toMatchObject({ state: 'idle in transaction (aborted)', last_query: 'select 1 / 0' });

      await b.query('rollback');
      expect(seriesOf(await runCheck(checker, 'idle_in_transaction', { min_seconds: 0 }))).not.toContain(String(me.pid));
    } finally {
      await close(b);
    }
  });

  test('long_queries: a running pg_sleep is reported with its pid, labels and truncated text, not the checking session; cleared when cancelled', async () => {
    const app = `lq_${random()}`;
    const b = await connect(db.url, app);
    try {
      const me = await whoami(b);
      const sql = `select pg_sleep(30) -- ${'x'.repeat(600)}`;
      const running = startQuery(b, sql);
      await waitForActivity(me.pid, `a.state = 'active' and a.query_start <= pg_catalog.now() - interval '1 second'`, 'pg_sleep to run for 1 s');

      const rows = await runCheck(checker, 'long_queries');
      const row = rows.find((r) => r.series === String(me.pid));
      expect(row, JSON.stringify(rows)).toBeDefined();
      expect(row!.value).toBeGreaterThanOrEqual(1);
      expect(row!.labels).toEqual({ pid: me.pid, database: db.name, user: me.user, application: app });
      expect(row!.detail).toMatchObject({ query: sql.slice(0, 500), state: 'active', wait_event_type: 'Timeout', wait_event: 'PgSleep' });
      expect((row!.detail!.query as string).length).toBe(500);
      const checkerPid = (await whoami(checker)).pid;
      expect(seriesOf(await runCheck(checker, 'long_queries', { min_seconds: 0 }))).not.toContain(String(checkerPid));
      // min_seconds is a floor: a query of a second or two is left out at 3600.
      expect(seriesOf(await runCheck(checker, 'long_queries', { min_seconds: 3600 }))).not.toContain(String(me.pid));

      await checker.query('select pg_catalog.pg_cancel_backend($1)', [me.pid]);
      expect(await running).toEqual({ ok: false, code: '57014' });
      await waitForCleared(checker, 'long_queries', { min_seconds: 0 }, String(me.pid));
    } finally {
      await close(b);
    }
  });

  test('long_transactions: measured from xact_start (not from the last statement), with the xid; cleared at commit', async () => {
    const app = `lt_${random()}`;
    const b = await connect(db.url, app);
    try {
      const me = await whoami(b);
      await b.query('begin');
      await b.query('select pg_catalog.txid_current()');
      await waitFor('the transaction to be reported as open for 2 s', async () =>
        (await runCheck(checker, 'long_transactions')).find((r) => r.series === String(me.pid) && (r.value ?? 0) >= 2),
      );
      await b.query('select 2'); // a new statement: state_change moves, xact_start does not

      // Both checks in one statement, so both measure against the same now().
      const both = await checker.query<CheckRow & { k: string }>(
        `select 'lt' as k, * from vigil.check_long_transactions('{}')
         union all
         select 'iit', * from vigil.check_idle_in_transaction('{"min_seconds": 0}')`,
      );
      const lt = both.rows.find((r) => r.k === 'lt' && r.series === String(me.pid));
      const iit = both.rows.find((r) => r.k === 'iit' && r.series === String(me.pid));
      expect(lt?.value).toBeGreaterThanOrEqual(2);
      expect(iit?.value).toBeLessThan(lt!.value! - 1);
      expect(lt!.labels).toEqual({ pid: me.pid, database: db.name, user: me.user, application: app });
      expect(lt!.detail).toMatchObject({ state: 'idle in transaction', query: 'select 2' });
      expect(lt!.detail!.backend_xid).not.toBeNull();

      await b.query('commit');
      expect(seriesOf(await runCheck(checker, 'long_transactions', { min_seconds: 0 }))).not.toContain(String(me.pid));
    } finally {
      await close(b);
    }
  });

  test('blocked_sessions: a session waiting for a table lock names its blocker; cleared when the lock is released', async () => {
    const holder = await connect(db.url, `holder_${random()}`);
    const waiter = await connect(db.url, `waiter_${random()}`);
    try {
      const h = await whoami(holder);
      const w = await whoami(waiter);
      await holder.query('begin');
      await holder.query('lock table public.t');
      const waiting = startQuery(waiter, 'select * from public.t');
      await waitForActivity(w.pid, `a.wait_event_type = 'Lock'`, 'the waiter to wait on the lock');

      const row = await waitFor('the blocked session to have waited 1 s', async () =>
        (await runCheck(checker, 'blocked_sessions')).find((r) => r.series === String(w.pid) && (r.value ?? 0) >= 1),
      );
      expect(row.labels).toMatchObject({ pid: w.pid, database: db.name, user: w.user });
      expect(row.detail).toMatchObject({
        query: 'select * from public.t',
        wait_event_type: 'Lock',
        wait_event: 'relation',
        blocking_pids: [h.pid],
        blockers: [{ pid: h.pid, state: 'idle in transaction', query: 'lock table public.t' }],
      });
      expect(seriesOf(await runCheck(checker, 'blocked_sessions'))).not.toContain(String(h.pid));

      await holder.query('rollback');
      expect(await waiting).toEqual({ ok: true, rowCount: 2 });
      expect(seriesOf(await runCheck(checker, 'blocked_sessions'))).not.toContain(String(w.pid));
    } finally {
      await close(holder);
      await close(waiter);
    }
  });

  test('deadlocks: the first run sets the baseline (null), a real deadlock counts 1 on the next run, then 0', async () => {
    // The params the engine would pass: the check's name (the key of its baseline) and the tick time.
    const name = `deadlocks_${random()}`;
    const run = async () => (await runCheck(checker, 'deadlocks', { _check: name, _now: new Date().toISOString() }))[0]!;

    const first = await run();
    expect(first.series).toBe(db.name);
    expect(first.labels).toEqual({ database: db.name });
    expect(first.value).toBeNull();
    const before = Number(first.detail!.deadlocks_total);

    const x = await connect(db.url, `dl_x_${random()}`);
    const y = await connect(db.url, `dl_y_${random()}`);
    try {
      const xp = (await whoami(x)).pid;
      await x.query('begin');
      await x.query('update public.t set v = v + 1 where id = 1');
      await y.query('begin');
      await y.query('update public.t set v = v + 1 where id = 2');
      const xs = startQuery(x, 'update public.t set v = v + 1 where id = 2');
      await waitForActivity(xp, `a.wait_event_type = 'Lock'`, 'x to wait for y');
      const ys = startQuery(y, 'update public.t set v = v + 1 where id = 1');
      const outcomes = await Promise.all([xs, ys]);
      expect(outcomes.map((o) => (o.ok ? 'ok' : o.code)).sort()).toEqual(['40P01', 'ok']);
      await x.query('rollback');
      await y.query('rollback');
    } finally {
      // A backend flushes its statistics when it exits at the latest.
      await close(x);
      await close(y);
    }
    const after = await waitFor('pg_stat_database.deadlocks to count the deadlock', async () => {
      await checker.query('select pg_catalog.pg_stat_clear_snapshot()');
      const r = await checker.query<{ n: string }>('select deadlocks as n from pg_catalog.pg_stat_database where datname = current_database()');
      const n = Number(r.rows[0]!.n);
      return n > before ? n : null;
    });

    const second = await run();
    expect(second.value).toBeGreaterThanOrEqual(1);
    expect(second.value).toBe(after - before);
    expect(Number(second.detail!.deadlocks_total)).toBe(after);
    const third = await run();
    expect(third.value).toBe(0);
  });

  test('prepared_transactions: an orphaned prepared transaction is reported by gid (and blocks as pid 0); cleared by rollback prepared', async () => {
    const gid = `gid_${random()}`;
    const b = await connect(db.url, `prep_${random()}`);
    const me = await whoami(b);
    await b.query('begin');
    await b.query('insert into public.p values (1)');
    await b.query(`prepare transaction '${gid}'`);
    await close(b); // the session is gone, the transaction is not
    const locker = await connect(db.url, `prep_locker_${random()}`);
    try {
      const row = await waitFor('the prepared transaction to be 1 s old', async () =>
        (await runCheck(checker, 'prepared_transactions')).find((r) => r.series === gid && (r.value ?? 0) >= 1),
      );
      expect(row.labels).toEqual({ gid, database: db.name, owner: me.user });
      expect(row.detail!.hint).toContain(`ROLLBACK PREPARED '${gid}'`);
      expect(row.detail!.transaction).toEqual(expect.any(String));

      // It still holds its lock on p: a session that wants the table waits for "pid 0".
      const lp = (await whoami(locker)).pid;
      const locking = startQuery(locker, 'truncate public.p');
      await waitForActivity(lp, `a.wait_event_type = 'Lock'`, 'the locker to wait for the prepared transaction');
      const blocked = (await runCheck(checker, 'blocked_sessions')).find((r) => r.series === String(lp));
      expect(blocked?.detail).toMatchObject({ blocking_pids: [0], blockers: [{ pid: 0, prepared_transaction: true }] });

      await checker.query(`rollback prepared '${gid}'`);
      expect(await locking).toEqual({ ok: true, rowCount: 0 });
      expect(seriesOf(await runCheck(checker, 'prepared_transactions', { min_seconds: 0 }))).not.toContain(gid);
    } finally {
      const left = await checker.query('select 1 from pg_catalog.pg_prepared_xacts where gid = $1', [gid]);
      if (left.rowCount) await checker.query(`rollback prepared '${gid}'`);
      await close(locker);
    }
  });

  test('a role without pg_read_all_stats gets no error, and a count of the sessions it could not see', async () => {
    const role = `vigil_sess_${random()}`;
    const password = random();
    await checker.query(`create role ${ident(role)} login password '${password}'`);
    rolesToDrop.push(role);
    const checks = ['connections', 'long_queries', 'long_transactions', 'idle_in_transaction', 'blocked_sessions', 'prepared_transactions'];
    await checker.query(`grant usage on schema vigil to ${ident(role)}`);
    for (const c of checks) await checker.query(`grant execute on function vigil.${ident(`check_${c}`)}(jsonb) to ${ident(role)}`);
    const url = new URL(db.url);
    url.username = role;
    url.password = password;
    const limited = await connect(url.toString(), 'limited_checker');
    const b = await connect(db.url, `hidden_${random()}`);
    try {
      const me = await whoami(b);
      const running = startQuery(b, 'select pg_sleep(30)');
      await waitForActivity(me.pid, `a.state = 'active' and a.query_start <= pg_catalog.now() - interval '1 second'`, 'pg_sleep to run for 1 s');

      // The superuser sees the query and has nothing hidden.
      const full = await runCheck(checker, 'long_queries');
      expect(seriesOf(full)).toContain(String(me.pid));
      expect(seriesOf(full)).not.toContain('hidden_sessions');

      // The limited role sees neither the query nor its start: it is counted as hidden.
      const rows = await runCheck(limited, 'long_queries');
      expect(seriesOf(rows)).not.toContain(String(me.pid));
      const hidden = rows.find((r) => r.series === 'hidden_sessions');
      expect(hidden, JSON.stringify(rows)).toBeDefined();
      expect(hidden!.value).toBeNull();
      expect(hidden!.detail!.hidden_sessions).toBeGreaterThanOrEqual(1);
      expect(hidden!.detail!.hint).toContain(`GRANT pg_read_all_stats TO ${role}`);

      // No check fails for it; the connections check still counts the hidden sessions.
      for (const c of checks) await expect(runCheck(limited, c), c).resolves.toBeDefined();
      const conn = (await runCheck(limited, 'connections'))[0]!;
      expect(conn.detail!.hidden_sessions).toBeGreaterThanOrEqual(1);
      expect(conn.detail!.in_use).toBeGreaterThanOrEqual(3); // limited, b and checker at least

      await checker.query('select pg_catalog.pg_cancel_backend($1)', [me.pid]);
      expect(await running).toEqual({ ok: false, code: '57014' });
    } finally {
      await close(b);
      await close(limited);
    }
  });

  test('every check runs under the engine (vigil.run_check) with its default thresholds', async () => {
    const defaults: Array<[string, number, number]> = [
      ['connections', 80, 90],
      ['long_queries', 120, 300],
      ['long_transactions', 300, 900],
      ['idle_in_transaction', 60, 300],
      ['blocked_sessions', 30, 120],
      ['deadlocks', 1, 5],
      ['prepared_transactions', 60, 300],
    ];
    const suffix = random();
    for (const [check, warning, critical] of defaults) {
      const name = `t_${check}_${suffix}`;
      await checker.query('select vigil.add_check(p_name => $1, p_function => $2, p_warning => $3, p_critical => $4)', [
        name,
        `vigil.check_${check}`,
        warning,
        critical,
      ]);
      const r = await checker.query<{ status: string }>('select vigil.run_check($1) as status', [name]);
      const runs = await checker.query('select status, error from vigil.check_runs where check_name = $1', [name]);
      expect(r.rows[0]!.status, `${check}: ${JSON.stringify(runs.rows)}`).toBe('ok');
    }
  });
});

describe.runIf(localBinariesAvailable())('connections on a cluster of its own (max_connections = 20)', () => {
  let priv: TestServer;
  beforeAll(async () => {
    priv = await startPrivateServer({ max_connections: '20' });
    await migrate({ databaseUrl: priv.url });
  });
  afterAll(async () => {
    await priv?.stop();
  });

  test('connections: the percent of usable slots passes 80 with real connections, and drops when they close', async () => {
    const own = await connect(priv.url, 'connections_checker');
    const extra: pg.Client[] = [];
    try {
      const s = await own.query<{ max: number; su: number; reserved: number }>(
        `select current_setting('max_connections')::int as max,
                current_setting('superuser_reserved_connections')::int as su,
                coalesce(current_setting('reserved_connections', true), '0')::int as reserved`,
      );
      const { max, su, reserved } = s.rows[0]!;
      expect(max).toBe(20);
      const usable = max - su - reserved;
      const percent = async () => (await runCheck(own, 'connections'))[0]!;

      // Alone: the checking session only (other backends may still be exiting).
      const alone = await waitFor('only the checking session to be connected', async () => {
        const r = await percent();
        return r.detail!.in_use === 1 ? r : null;
      });
      expect(alone.value).toBeCloseTo(100 / usable, 6);
      expect(alone.series).toBe('cluster');
      expect(alone.detail).toMatchObject({ usable, max_connections: 20, superuser_reserved_connections: su, reserved_connections: reserved });
      expect(alone.detail!.hidden_sessions).toBeUndefined();

      const want = Math.ceil(usable * 0.85); // past 80 %, below max_connections
      for (let i = 1; i < want; i++) extra.push(await connect(priv.url, `filler_${i}`));
      const full = await percent();
      expect(full.detail!.in_use).toBe(want);
      expect(full.value).toBeCloseTo((100 * want) / usable, 6);
      expect(full.value).toBeGreaterThanOrEqual(80);
      expect(full.detail!.top_databases).toEqual([{ database: 'postgres', connections: want }]);

      for (const c of extra.splice(0)) await close(c);
      const dropped = await waitFor('the closed connections to be gone', async () => {
        const r = await percent();
        return r.detail!.in_use === 1 ? r : null;
      });
      expect(dropped.value).toBeCloseTo(100 / usable, 6);
      expect(dropped.value).toBeLessThan(80);
    } finally {
      for (const c of extra) await close(c);
      await close(own);
    }
  });
});
