// The built-in checks about tables, vacuum, indexes and sequences, each proven
// on a real condition that the test makes in its own cloned database (a
// sequence near its column type's limit, an index left invalid by a failed
// CREATE INDEX CONCURRENTLY, dead rows on a table autovacuum may not touch,
// ...), and proven to clear once the test removes the condition.
//
// The cumulative statistics (n_dead_tup, n_mod_since_analyze, idx_scan) are
// sent by each backend asynchronously: the statements that change them run on
// connections of their own that are closed right after (a backend flushes its
// statistics when it exits), and the assertions poll with
// pg_stat_clear_snapshot() in a bounded loop, never a blind sleep.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { databasesForThisFile, ident, withClient, type TestDatabase } from '../helpers/db.js';

type Json = Record<string, unknown>;
interface CheckRow {
  series: string;
  value: number | null;
  labels: Json;
  detail: Json | null;
}

const fresh = databasesForThisFile();
let db: TestDatabase;
let checker: pg.Client;

/** Runs statements on a connection of their own, closed afterwards (which flushes its statistics). */
async function exec(sql: string, params?: unknown[]): Promise<pg.QueryResult> {
  return withClient(db.url, (c) => c.query(sql, params));
}

async function runCheck(name: string, params: Json = {}): Promise<CheckRow[]> {
  // A fresh statistics snapshot for every run: the checker's session is long-lived.
  await checker.query('select pg_catalog.pg_stat_clear_snapshot()');
  const r = await checker.query<CheckRow>(`select series, value, labels, detail from vigil.${ident(`check_${name}`)}($1::jsonb)`, [
    JSON.stringify(params),
  ]);
  return r.rows;
}

async function rowFor(name: string, series: string, params: Json = {}): Promise<CheckRow | undefined> {
  return (await runCheck(name, params)).find((r) => r.series === series);
}

/** Polls until probe returns something truthy; fails after timeoutMs. Never a blind sleep. */
async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false | 0>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const waitForRow = (name: string, series: string, params: Json = {}, accept: (r: CheckRow) => boolean = () => true) =>
  waitFor(`${name} to report ${series}`, async () => {
    const row = await rowFor(name, series, params);
    return row && accept(row) ? row : undefined;
  });

const waitForCleared = (name: string, series: string, params: Json = {}) =>
  waitFor(`${name} to stop reporting ${series}`, async () => (await rowFor(name, series, params)) === undefined);

beforeAll(async () => {
  db = await fresh('migrated');
  checker = new pg.Client({ connectionString: db.url });
  await checker.connect();
});

afterAll(async () => {
  await checker?.end();
});

describe('sequence_exhaustion', () => {
  afterAll(async () => {
    await exec('drop table if exists seq_int, seq_big, seq_small_col; drop sequence if exists seq_desc, seq_free');
  });

  test('an int4 serial near 2147483647 reports about 100 percent, even when its sequence is bigint', async () => {
    await exec('create table seq_int (id serial primary key)');
    await exec(`select pg_catalog.setval('seq_int_id_seq', 2147483600)`);
    const row = (await rowFor('sequence_exhaustion', 'public.seq_int_id_seq'))!;
    expect(row.value).toBeGreaterThan(99.99);
    expect(row.value).toBeLessThanOrEqual(100);
    expect(row.labels).toEqual({ sequence: 'public.seq_int_id_seq', column: 'public.seq_int.id' });
    expect(row.detail).toMatchObject({ last_value: 2147483600, limit: 2147483647, remaining: 47, column_type: 'integer' });

    // Since PostgreSQL 10 a serial gets an int4 sequence; databases from before
    // (and hand-made sequences) have bigint ones: the column is still the limit.
    await exec('alter sequence seq_int_id_seq as bigint');
    const seq = await exec(`select data_type::text, max_value::text from pg_catalog.pg_sequences where sequencename = 'seq_int_id_seq'`);
    expect(seq.rows[0]).toEqual({ data_type: 'bigint', max_value: '9223372036854775807' });
    const again = (await rowFor('sequence_exhaustion', 'public.seq_int_id_seq'))!;
    expect(again.value).toBeGreaterThan(99.99);
    expect(again.detail).toMatchObject({ sequence_type: 'bigint', column_type: 'integer', limit: 2147483647 });
    expect(String(again.detail!.hint)).toContain('column type, not the sequence, is the limit');
  });

  test('a bigint identity column at a low value reports about 0; a never-used sequence reports 0', async () => {
    await exec('create table seq_big (id bigint generated always as identity primary key, v int)');
    await exec('insert into seq_big (v) select g from pg_catalog.generate_series(1, 3) g');
    const row = (await rowFor('sequence_exhaustion', 'public.seq_big_id_seq'))!;
    expect(row.value).toBeGreaterThanOrEqual(0);
    expect(row.value).toBeLessThan(1e-9);
    expect(row.labels).toEqual({ sequence: 'public.seq_big_id_seq', column: 'public.seq_big.id' });
    expect(row.detail).toMatchObject({ last_value: 3, column_type: 'bigint', sequence_type: 'bigint' });

    await exec('create sequence seq_free as smallint');
    const free = (await rowFor('sequence_exhaustion', 'public.seq_free'))!;
    expect(free.value).toBe(0);
    expect(free.labels).toEqual({ sequence: 'public.seq_free' });
    expect(free.detail).toMatchObject({ last_value: null, limit: 32767, column_type: null });
  });

  test('a smallint column fed by an int4 sequence, and a descending sequence, are measured against their own limits', async () => {
    await exec('create table seq_small_col (id int primary key)');
    await exec('create sequence seq_small_col_seq as integer owned by seq_small_col.id');
    await exec('alter table seq_small_col alter column id type smallint');
    await exec(`select pg_catalog.setval('seq_small_col_seq', 32000)`);
    const small = (await rowFor('sequence_exhaustion', 'public.seq_small_col_seq'))!;
    expect(small.value).toBeCloseTo((100 * (32000 - 1)) / (32767 - 1), 6);
    expect(small.detail).toMatchObject({ column_type: 'smallint', limit: 32767 });

    // Descending from -1 towards -100: at -91, 90 of 99 steps are used.
    await exec('create sequence seq_desc increment by -1 minvalue -100 maxvalue -1');
    await exec(`select pg_catalog.setval('seq_desc', -91)`);
    const desc = (await rowFor('sequence_exhaustion', 'public.seq_desc'))!;
    expect(desc.value).toBeCloseTo((100 * 90) / 99, 6);
    expect(desc.detail).toMatchObject({ limit: -100, remaining: 9, increment_by: -1 });
  });
});

describe('invalid_indexes', () => {
  afterAll(async () => {
    await exec('drop table if exists inv');
  });

  test('an index left by a failed CREATE INDEX CONCURRENTLY is reported, and clears after DROP INDEX', async () => {
    await exec('create table inv (id int, email text)');
    await exec(`insert into inv values (1, 'a@example.com'), (2, 'a@example.com')`);
    // CONCURRENTLY cannot run in a transaction block: one plain statement on its own connection.
    await expect(exec('create unique index concurrently inv_email on inv (email)')).rejects.toMatchObject({ code: '23505' });
    const state = await exec(`select indisvalid from pg_catalog.pg_index where indexrelid = 'public.inv_email'::regclass`);
    expect(state.rows[0]).toEqual({ indisvalid: false });

    const row = (await rowFor('invalid_indexes', 'public.inv_email'))!;
    expect(row.value).toBe(1);
    expect(row.labels).toEqual({ table: 'public.inv', index: 'public.inv_email' });
    expect(row.detail!.definition).toBe('CREATE UNIQUE INDEX inv_email ON public.inv USING btree (email)');
    expect(String(row.detail!.hint)).toContain('DROP INDEX CONCURRENTLY public.inv_email;');
    expect(String(row.detail!.hint)).toContain('REINDEX INDEX CONCURRENTLY public.inv_email;');

    await exec('drop index inv_email');
    expect(await rowFor('invalid_indexes', 'public.inv_email')).toBeUndefined();
  });
});

describe('dead_tuples', () => {
  afterAll(async () => {
    await exec('drop table if exists dead');
  });

  test('dead rows on a table with autovacuum off are reported above warning, with the per-table threshold, and clear after VACUUM', async () => {
    await exec('create table dead (id int, pad text) with (autovacuum_enabled = false)');
    await exec(`insert into dead select g, 'x' from pg_catalog.generate_series(1, 20000) g`);
    await exec('analyze dead'); // reltuples = 20000: threshold 50 + 0.2 * 20000 = 4050
    await exec('delete from dead');

    const row = await waitForRow('dead_tuples', 'public.dead', {}, (r) => Number(r.detail!.n_dead_tup) >= 20000);
    expect(row.value).toBeCloseTo(20000 / 4050, 6);
    expect(row.value).toBeGreaterThanOrEqual(2); // the default warning
    expect(row.labels).toEqual({ table: 'public.dead' });
    expect(row.detail).toMatchObject({ n_dead_tup: 20000, threshold: 4050, autovacuum_enabled: false, last_vacuum: null, last_autovacuum: null });
    expect(row.detail).toHaveProperty('n_live_tup');

    // Per-table storage parameters take precedence over the settings.
    await exec('alter table dead set (autovacuum_vacuum_scale_factor = 0.5, autovacuum_vacuum_threshold = 1000)');
    const tuned = (await rowFor('dead_tuples', 'public.dead'))!;
    expect(tuned.detail).toMatchObject({ threshold: 11000 });
    expect(tuned.value).toBeCloseTo(20000 / 11000, 6);

    // min_dead leaves out tables with fewer dead rows.
    expect(await rowFor('dead_tuples', 'public.dead', { min_dead: 20001 })).toBeUndefined();

    await exec('vacuum dead');
    await waitForCleared('dead_tuples', 'public.dead');
    const after = await exec(`select last_vacuum is not null as vacuumed from pg_catalog.pg_stat_user_tables where relname = 'dead'`);
    expect(after.rows[0]).toEqual({ vacuumed: true });
  });
});

describe('analyze_staleness', () => {
  afterAll(async () => {
    await exec('drop table if exists stale');
  });

  test('a table loaded and never analyzed is reported, with no analyze time; ANALYZE clears it', async () => {
    await exec('create table stale (id int) with (autovacuum_enabled = false)');
    await exec('insert into stale select g from pg_catalog.generate_series(1, 5000) g');

    // Never analyzed: reltuples is -1, taken as 0, so the threshold is autovacuum_analyze_threshold (50).
    const row = await waitForRow('analyze_staleness', 'public.stale', {}, (r) => Number(r.detail!.n_mod_since_analyze) >= 5000);
    expect(row.value).toBeCloseTo(5000 / 50, 6);
    expect(row.labels).toEqual({ table: 'public.stale' });
    expect(row.detail).toMatchObject({
      n_mod_since_analyze: 5000,
      threshold: 50,
      never_analyzed: true,
      hours_since_analyze: null,
      last_analyze: null,
      last_autoanalyze: null,
      autovacuum_enabled: false,
    });
    expect(await rowFor('analyze_staleness', 'public.stale', { min_modified: 5001 })).toBeUndefined();

    await exec('analyze stale');
    await waitForCleared('analyze_staleness', 'public.stale');

    // Modified again after the analyze: reported with the hours since it, against the new reltuples.
    await exec('update stale set id = id + 1 where id <= 3000');
    const again = await waitForRow('analyze_staleness', 'public.stale', {}, (r) => Number(r.detail!.n_mod_since_analyze) >= 3000);
    expect(again.detail).toMatchObject({ never_analyzed: false, threshold: 50 + 0.1 * 5000 });
    expect(again.detail!.hours_since_analyze).toBeGreaterThanOrEqual(0);
    expect(again.detail!.hours_since_analyze).toBeLessThan(1);
    expect(again.value).toBeCloseTo(3000 / 550, 6);
  });
});

describe('disabled_triggers', () => {
  afterAll(async () => {
    await exec('drop table if exists trg, fk_child, fk_parent; drop function if exists trg_touch()');
  });

  test('a disabled trigger is reported, and clears once enabled', async () => {
    await exec('create table trg (id int, touched boolean)');
    await exec(`create function trg_touch() returns trigger language plpgsql as $$ begin new.touched := true; return new; end $$`);
    await exec('create trigger trg_touch before insert on trg for each row execute function trg_touch()');
    expect(await rowFor('disabled_triggers', 'public.trg.trg_touch')).toBeUndefined();

    await exec('alter table trg disable trigger trg_touch');
    const row = (await rowFor('disabled_triggers', 'public.trg.trg_touch'))!;
    expect(row.value).toBe(1);
    expect(row.labels).toEqual({ table: 'public.trg', trigger: 'trg_touch' });
    expect(row.detail).toMatchObject({ internal: false, function: 'public.trg_touch' });
    expect(String(row.detail!.hint)).toContain('ALTER TABLE public.trg ENABLE TRIGGER trg_touch;');

    await exec('alter table trg enable trigger trg_touch');
    expect(await rowFor('disabled_triggers', 'public.trg.trg_touch')).toBeUndefined();
  });

  test('foreign-key triggers disabled by DISABLE TRIGGER ALL are reported only with include_internal', async () => {
    await exec('create table fk_parent (id int primary key)');
    await exec('create table fk_child (parent_id int references fk_parent)');
    await exec('alter table fk_child disable trigger all');
    const onChild = (rows: CheckRow[]) => rows.filter((r) => (r.labels as { table?: string }).table === 'public.fk_child');
    expect(onChild(await runCheck('disabled_triggers'))).toEqual([]);
    const internal = onChild(await runCheck('disabled_triggers', { include_internal: true }));
    expect(internal.length).toBeGreaterThan(0);
    for (const r of internal) {
      expect(r.detail).toMatchObject({ internal: true, constraint: 'fk_child_parent_id_fkey' });
      expect(String(r.detail!.hint)).toContain('not enforced');
    }
    await exec('alter table fk_child enable trigger all');
    expect(onChild(await runCheck('disabled_triggers', { include_internal: true }))).toEqual([]);
  });
});

describe('duplicate_indexes', () => {
  afterAll(async () => {
    await exec('drop table if exists dup');
  });

  test('the redundant index of an identical pair is reported (the one backing a constraint is kept), and clears after DROP INDEX', async () => {
    await exec('create table dup (id int, a int, b int, email text)');
    await exec(`insert into dup select g, g % 100, g, 'u' || g from pg_catalog.generate_series(1, 2000) g`);
    await exec('create index dup_a on dup (a)');
    await exec('create index dup_a_again on dup (a)');
    // Not duplicates of dup_a: another order, a predicate, an INCLUDE column.
    await exec('create index dup_a_desc on dup (a desc)');
    await exec('create index dup_a_partial on dup (a) where b > 10');
    await exec('create index dup_a_incl on dup (a) include (b)');
    // The same expression and predicate written differently are duplicates.
    await exec('create index dup_lower on dup (lower(email)) where b > 0');
    await exec('create index dup_lower_again on dup ( lower( email ) ) where (b > 0)');
    // A unique index made before the constraint: the constraint's index is kept.
    await exec('create unique index dup_email_idx on dup (email)');
    await exec('alter table dup add constraint dup_email_key unique (email)');

    const rows = (await runCheck('duplicate_indexes')).filter((r) => (r.labels as { table?: string }).table === 'public.dup');
    const byIndex = Object.fromEntries(rows.map((r) => [r.series, r]));
    expect(Object.keys(byIndex).sort()).toEqual(['public.dup_a_again', 'public.dup_email_idx', 'public.dup_lower_again']);
    expect(byIndex['public.dup_a_again']!.detail).toMatchObject({ duplicate_of: 'public.dup_a', backs_constraint: false });
    expect(byIndex['public.dup_lower_again']!.detail).toMatchObject({ duplicate_of: 'public.dup_lower' });
    expect(byIndex['public.dup_email_idx']!.detail).toMatchObject({ duplicate_of: 'public.dup_email_key', backs_constraint: false });
    const size = await exec(`select pg_catalog.pg_relation_size('public.dup_a_again') as bytes`);
    expect(byIndex['public.dup_a_again']!.value).toBe(Number(size.rows[0].bytes));
    expect(byIndex['public.dup_a_again']!.labels).toEqual({ table: 'public.dup', index: 'public.dup_a_again' });
    expect(String(byIndex['public.dup_a_again']!.detail!.hint)).toContain('DROP INDEX CONCURRENTLY public.dup_a_again;');

    await exec('drop index dup_a_again');
    expect(await rowFor('duplicate_indexes', 'public.dup_a_again')).toBeUndefined();
    expect(await rowFor('duplicate_indexes', 'public.dup_a')).toBeUndefined();
  });
});

describe('unused_indexes', () => {
  afterAll(async () => {
    await exec('drop table if exists unused');
  });

  test('a never-scanned index is reported with its size and since when; a scan clears it; unique and small indexes never count', async () => {
    await exec('create table unused (id int primary key, a int, b int)');
    await exec('insert into unused select g, g % 1000, g from pg_catalog.generate_series(1, 20000) g');
    await exec('create index unused_a on unused (a)');
    await exec('create index unused_b on unused (b)');
    await exec('create unique index unused_b_unique on unused (b)');
    const size = Number((await exec(`select pg_catalog.pg_relation_size('public.unused_a') as bytes`)).rows[0].bytes);
    expect(size).toBeGreaterThan(100_000);
    const params = { min_bytes: 100_000 };

    const row = (await rowFor('unused_indexes', 'public.unused_a', params))!;
    expect(row.value).toBe(size);
    expect(row.labels).toEqual({ table: 'public.unused', index: 'public.unused_a' });
    expect(row.detail).toMatchObject({ idx_scan: 0, index_bytes: size, definition: 'CREATE INDEX unused_a ON public.unused USING btree (a)' });
    expect(row.detail).toHaveProperty('stats_reset');
    expect(String(row.detail!.hint)).toContain('replicas');
    const series = (await runCheck('unused_indexes', params)).map((r) => r.series);
    expect(series).toContain('public.unused_b');
    expect(series).not.toContain('public.unused_pkey');
    expect(series).not.toContain('public.unused_b_unique');
    // The default min_bytes (1 MB) leaves these small indexes out.
    expect(await rowFor('unused_indexes', 'public.unused_a')).toBeUndefined();

    await withClient(db.url, async (c) => {
      await c.query('set enable_seqscan = off; set enable_bitmapscan = off');
      await c.query('select count(*) from unused where a = 7');
    });
    await waitForCleared('unused_indexes', 'public.unused_a', params);
    expect((await runCheck('unused_indexes', params)).map((r) => r.series)).toContain('public.unused_b');
    // max_scans counts an index scanned that few times as unused.
    expect(await rowFor('unused_indexes', 'public.unused_a', { ...params, max_scans: 1 })).toBeDefined();
  });
});

describe('table_bloat', () => {
  afterAll(async () => {
    await exec('drop table if exists bloated, compact');
  });

  test('a table with 60 percent of its rows deleted and vacuumed (not FULL) reports about 60 percent wasted; a fresh one reports little', async () => {
    for (const t of ['bloated', 'compact']) {
      await exec(`create table ${t} (id bigint primary key, t text, n numeric) with (autovacuum_enabled = false)`);
      await exec(`insert into ${t} select g, pg_catalog.md5(g::text), g from pg_catalog.generate_series(1, 200000) g`);
    }
    await exec('delete from bloated where id % 10 < 6');
    // VACUUM frees the space inside the pages but keeps them (nothing to truncate at the end).
    await exec('vacuum bloated');
    await exec('analyze bloated');
    await exec('vacuum analyze compact');
    const pages = await exec(`select relname, relpages::bigint * current_setting('block_size')::bigint as bytes
                                from pg_catalog.pg_class where relname in ('bloated', 'compact') order by 1`);
    expect(Number(pages.rows[0].bytes)).toBeGreaterThan(10 * 1024 * 1024); // over the default min_bytes

    const rows = await runCheck('table_bloat');
    const bloated = rows.find((r) => r.series === 'public.bloated')!;
    const compact = rows.find((r) => r.series === 'public.compact')!;
    expect(bloated.value).toBeGreaterThanOrEqual(50); // the default warning
    expect(bloated.value).toBeLessThan(70);
    expect(bloated.labels).toEqual({ table: 'public.bloated' });
    expect(bloated.detail).toMatchObject({ table_bytes: Number(pages.rows[0].bytes), fillfactor: 100 });
    expect(Number(bloated.detail!.wasted_bytes)).toBeGreaterThan(0.5 * Number(pages.rows[0].bytes));
    expect(String(bloated.detail!.estimate)).toContain('ioguix');
    expect(compact.value).toBeLessThan(10);

    // min_bytes leaves out smaller tables.
    expect(await runCheck('table_bloat', { min_bytes: 1024 ** 3 })).toEqual([]);
  });
});

describe('xid_wraparound and multixact_wraparound', () => {
  test('one row per database, with a small percent on a young cluster', async () => {
    for (const name of ['xid_wraparound', 'multixact_wraparound']) {
      const rows = await runCheck(name);
      const names = rows.map((r) => r.series);
      expect(names).toContain(db.name);
      expect(names).toContain('template1');
      expect(new Set(names).size).toBe(names.length);
      for (const r of rows) {
        expect(r.labels).toEqual({ database: r.series });
        expect(r.value).toBeGreaterThanOrEqual(0);
        expect(r.value).toBeLessThan(100);
      }
      const mine = rows.find((r) => r.series === db.name)!;
      const ageKey = name === 'xid_wraparound' ? 'xid_age' : 'mxid_age';
      const maxKey = name === 'xid_wraparound' ? 'autovacuum_freeze_max_age' : 'autovacuum_multixact_freeze_max_age';
      expect(typeof mine.detail![ageKey]).toBe('number');
      expect(mine.value).toBeCloseTo((100 * Number(mine.detail![ageKey])) / Number(mine.detail![maxKey]), 9);
    }
  });
});

describe('all of them', () => {
  const perTable = ['dead_tuples', 'analyze_staleness', 'table_bloat', 'invalid_indexes', 'unused_indexes', 'duplicate_indexes', 'sequence_exhaustion', 'disabled_triggers'];
  const everything = { min_dead: 0, min_modified: 0, min_bytes: 0, include_internal: true };

  test("leave out pgvigil's own objects unless include_vigil is set", async () => {
    for (const name of perTable) {
      const rows = await runCheck(name, everything);
      expect(rows.filter((r) => r.series.startsWith('vigil.')), name).toEqual([]);
    }
    // vigil.samples has a non-unique index that nothing has scanned in this fresh database.
    const withVigil = await runCheck('unused_indexes', { ...everything, include_vigil: true });
    expect(withVigil.some((r) => r.series.startsWith('vigil.'))).toBe(true);
  });

  test('run through the engine: vigil.run_check records them as ok', async () => {
    const names = ['xid_wraparound', 'multixact_wraparound', ...perTable];
    for (const name of names) {
      await checker.query(`select vigil.add_check($1, $2, p_warning => 1)`, [`t_${name}`, `vigil.check_${name}`]);
      const r = await checker.query<{ status: string }>('select vigil.run_check($1) as status', [`t_${name}`]);
      expect(r.rows[0]!.status, name).toBe('ok');
      await checker.query('select vigil.remove_check($1)', [`t_${name}`]);
    }
    const runs = await checker.query<{ check_name: string; status: string; error: string | null }>(
      `select check_name, status, error from vigil.check_runs where check_name like 't\\_%' order by check_name`,
    );
    expect(runs.rows.map((r) => r.check_name)).toEqual(names.map((n) => `t_${n}`).sort());
    expect(runs.rows.filter((r) => r.status !== 'ok')).toEqual([]);
  });
});
