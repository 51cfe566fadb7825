// pgvigil bundle: one SQL file that gives the same database as migrate,
// records the same versions, and mixes with migrate in either order.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../src/migrate.js';
import { runCli } from './helpers/cli.js';
import { clientBinary, databasesForThisFile, normalisedSchemaDump, type TestDatabase } from './helpers/db.js';

const fresh = databasesForThisFile();

const bundleDir = mkdtempSync(join(tmpdir(), 'pgvigil-bundle-'));
const bundleFile = join(bundleDir, 'pgvigil.sql');
beforeAll(async () => {
  const run = await runCli(['bundle']);
  expect(run.code, run.stderr).toBe(0);
  writeFileSync(bundleFile, run.stdout);
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

/** Applies the bundle as a user would: psql -f, stopping at the first error. */
function applyBundle(url: string): string {
  return execFileSync(clientBinary('psql'), ['--no-psqlrc', '-q', '-v', 'ON_ERROR_STOP=1', '-f', bundleFile, url], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const versions = (db: TestDatabase) => db.query('select name from vigil.pgmigrations order by id').then((r) => r.rows);
const sources = (db: TestDatabase) => db.query('select path, sha256 from vigil.sql_sources order by path').then((r) => r.rows);

describe('pgvigil bundle', () => {
  test('applying the bundle gives the same schema, versions and sources as migrate', async () => {
    const viaMigrate = await fresh('empty');
    const viaBundle = await fresh('empty');
    await migrate({ databaseUrl: viaMigrate.url });
    applyBundle(viaBundle.url);
    expect(normalisedSchemaDump(viaBundle.url)).toEqual(normalisedSchemaDump(viaMigrate.url));
    expect(await versions(viaBundle)).toEqual(await versions(viaMigrate));
    expect(await sources(viaBundle)).toEqual(await sources(viaMigrate));
  });

  test('applying the bundle twice is harmless', async () => {
    const db = await fresh('empty');
    applyBundle(db.url);
    const before = normalisedSchemaDump(db.url);
    const v = await versions(db);
    applyBundle(db.url);
    expect(normalisedSchemaDump(db.url)).toEqual(before);
    expect(await versions(db)).toEqual(v);
  });

  test('bundle then migrate: migrate finds nothing to do', async () => {
    const db = await fresh('empty');
    applyBundle(db.url);
    const before = normalisedSchemaDump(db.url);
    const r = await migrate({ databaseUrl: db.url });
    expect(r.migrations).toEqual([]);
    expect(r.changed).toEqual([]);
    expect(normalisedSchemaDump(db.url)).toEqual(before);
  });

  test('migrate then bundle: the bundle changes nothing', async () => {
    const db = await fresh('migrated');
    const before = normalisedSchemaDump(db.url);
    const v = await versions(db);
    applyBundle(db.url);
    expect(normalisedSchemaDump(db.url)).toEqual(before);
    expect(await versions(db)).toEqual(v);
  });

  test('the bundle refuses to downgrade a database a newer pgvigil migrated, and changes nothing', async () => {
    const db = await fresh('migrated');
    await db.query(`insert into vigil.pgmigrations (name, run_on) values ('9999_from_the_future', now())`);
    const before = normalisedSchemaDump(db.url);
    let stderr = '';
    try {
      applyBundle(db.url);
    } catch (e) {
      stderr = String((e as { stderr?: string }).stderr);
    }
    expect(stderr).toMatch(/9999_from_the_future/);
    expect(stderr).toMatch(/HINT: .*newer bundle/);
    expect(normalisedSchemaDump(db.url)).toEqual(before);
  });
});
