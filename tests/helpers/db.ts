// Per-test databases, cloned from the templates the global setup made.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';
import pg from 'pg';
import { createDatabaseFrom, ident, withClient } from './prepare.js';
import type { ProvidedServer } from './server.js';

export { withClient, ident };

export function server(): ProvidedServer {
  return inject('pgServer');
}

let counter = 0;

export interface TestDatabase {
  name: string;
  url: string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

/** A new database: a clone of the migrated template, or of the empty one. */
export async function createDatabase(kind: 'migrated' | 'empty' = 'migrated'): Promise<TestDatabase> {
  const s = server();
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const url = await createDatabaseFrom(s, name, kind === 'migrated' ? s.migratedTemplate : s.emptyTemplate);
  return {
    name,
    url,
    query: (sql, params) => withClient(url, (c) => c.query(sql, params)),
    drop: () => withClient(s.url, async (c) => void (await c.query(`drop database if exists ${ident(name)} with (force)`))),
  };
}

/**
 * A factory for databases that are dropped when the test file ends. Call it
 * at the top level of a test file.
 */
export function databasesForThisFile(): (kind?: 'migrated' | 'empty') => Promise<TestDatabase> {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });
  return async (kind = 'migrated') => {
    const db = await createDatabase(kind);
    dbs.push(db);
    return db;
  };
}

/** A client binary (pg_dump, psql) that matches the server where possible. */
export function clientBinary(name: string, bindir: string | null = server().bindir): string {
  if (bindir && existsSync(join(bindir, name))) return join(bindir, name);
  return name;
}

/**
 * `pg_dump --schema-only`, normalised: no comments, blank lines, SET lines or
 * per-dump restrict keys, so that two dumps of equal schemas compare equal.
 */
export function normalisedSchemaDump(url: string): string {
  const out = execFileSync(clientBinary('pg_dump'), ['--schema-only', '--no-tablespaces', url], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return out
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('--') && !/^SET |^SELECT pg_catalog.set_config|^\\(un)?restrict /.test(line))
    .join('\n');
}

/** PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE for tools that take no URL (pg_prove). */
export function libpqEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {
    PGHOST: u.searchParams.get('host') ?? u.hostname,
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
    PGUSER: decodeURIComponent(u.username),
  };
  if (u.port) env.PGPORT = u.port;
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  return env;
}
