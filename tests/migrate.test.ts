// pgvigil migrate: idempotent, safe under concurrency, honest in --dry-run,
// and unwilling to downgrade a database that a newer pgvigil migrated.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { migrate } from '../src/migrate.js';
import { loadMigrations, loadRepeatable } from '../src/sources.js';
import { runCli } from './helpers/cli.js';
import { databasesForThisFile, normalisedSchemaDump } from './helpers/db.js';

const fresh = databasesForThisFile();

describe('pgvigil migrate', () => {
  test('a second migrate changes nothing: same normalised schema dump, nothing applied', async () => {
    const db = await fresh('empty');
    const first = await migrate({ databaseUrl: db.url });
    expect(first.migrations).toEqual(loadMigrations().map((m) => m.name));
    expect(first.changed).toEqual(loadRepeatable().map((s) => s.path));
    const before = normalisedSchemaDump(db.url);
    const sourcesBefore = await db.query('select path, sha256, applied_at from vigil.sql_sources order by path');

    const lines: string[] = [];
    const second = await migrate({ databaseUrl: db.url, log: (l) => lines.push(l) });
    expect(second.migrations).toEqual([]);
    expect(second.changed).toEqual([]);
    expect(lines).toContain('migrations: up to date');
    expect(normalisedSchemaDump(db.url)).toEqual(before);
    const sourcesAfter = await db.query('select path, sha256, applied_at from vigil.sql_sources order by path');
    expect(sourcesAfter.rows).toEqual(sourcesBefore.rows);
  });

  test('five concurrent migrates into an empty database all succeed and leave one install', async () => {
    const db = await fresh('empty');
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => migrate({ databaseUrl: db.url })));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('fulfilled'));
    const applied = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.migrations : []));
    expect(applied).toEqual(loadMigrations().map((m) => m.name)); // each applied exactly once
    const rows = await db.query<{ name: string; n: number }>('select name, count(*)::int as n from vigil.pgmigrations group by name order by name');
    expect(rows.rows).toEqual(loadMigrations().map((m) => ({ name: m.name, n: 1 })));
    const sources = await db.query<{ n: number }>('select count(*)::int as n from vigil.sql_sources');
    expect(sources.rows[0]!.n).toBe(loadRepeatable().length);
    const template = await fresh('migrated');
    expect(normalisedSchemaDump(db.url)).toEqual(normalisedSchemaDump(template.url));
  });

  test('--dry-run prints the SQL it would run and changes nothing', async () => {
    const db = await fresh('empty');
    const before = normalisedSchemaDump(db.url);
    const run = await runCli(['migrate', '--dry-run', '--database-url', db.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('-- migration 0001_foundation');
    expect(run.stdout).toContain('create table vigil.sql_sources');
    expect(run.stdout).toContain('-- sql/grants.sql');
    expect(normalisedSchemaDump(db.url)).toEqual(before);
    const schema = await db.query(`select 1 from pg_namespace where nspname = 'vigil'`);
    expect(schema.rowCount).toBe(0);
  });

  test('--dry-run on an installed database lists no migrations', async () => {
    const db = await fresh('migrated');
    const run = await runCli(['migrate', '--dry-run'], { env: { DATABASE_URL: db.url } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('-- migration ');
  });

  test('the CLI takes DATABASE_URL and reports what it applied', async () => {
    const db = await fresh('empty');
    const run = await runCli(['migrate'], { env: { DATABASE_URL: db.url } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('migration 0001_foundation: applied');
    expect(run.stderr).toMatch(/repeatable layer: \d+ files applied/);
  });

  test('the CLI falls back to the PG* environment variables', async () => {
    const db = await fresh('empty');
    const u = new URL(db.url);
    const run = await runCli(['migrate'], {
      env: { DATABASE_URL: undefined, PGHOST: u.searchParams.get('host') ?? u.hostname, PGUSER: u.username, PGDATABASE: db.name },
    });
    expect(run.code, run.stderr).toBe(0);
    const v = await db.query('select * from vigil.version()');
    expect(v.rowCount).toBe(1);
  });

  test('refuses to run over a database that a newer pgvigil migrated', async () => {
    const db = await fresh('migrated');
    await db.query(`insert into vigil.pgmigrations (name, run_on) values ('9999_from_the_future', now())`);
    await expect(migrate({ databaseUrl: db.url })).rejects.toThrow(/9999_from_the_future.*newer pgvigil/);
  });

  test('an upgraded repeatable file is re-applied and reported as changed', async () => {
    const db = await fresh('migrated');
    await db.query(`update vigil.sql_sources set sha256 = repeat('0', 64) where path = 'sql/functions/version.sql'`);
    const r = await migrate({ databaseUrl: db.url });
    expect(r.changed).toEqual(['sql/functions/version.sql']);
  });

  test('vigil.version() reports the package.json version', async () => {
    const db = await fresh('migrated');
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    const v = await db.query<{ package_version: string; migrations: string[] }>('select * from vigil.version()');
    expect(v.rows[0]).toEqual({ package_version: pkg.version, migrations: loadMigrations().map((m) => m.name) });
  });

  test('a bad connection URL fails with a message and exit code 1', async () => {
    const run = await runCli(['migrate', '--database-url', 'postgresql://nobody@127.0.0.1:1/none'], { timeoutMs: 30_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/pgvigil: .*(ECONNREFUSED|connect)/);
  });
});
