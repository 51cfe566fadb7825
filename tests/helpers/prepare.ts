// Prepares a fresh server for the tests: pg_cron in the maintenance database,
// and a template database with the test extensions. pgTAP goes into its own
// schema "tap" with its search_path pinned, so that test sessions can run with
// search_path = '' and still call tap.ok(...).
import pg from 'pg';
import { databaseUrl, type TestServer } from '../../scripts/test-cluster.js';

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function createDatabaseFrom(server: { url: string; major: number }, name: string, template: string, owner?: string): Promise<string> {
  const strategy = server.major >= 15 ? ' strategy file_copy' : '';
  await withClient(server.url, (c) =>
    c.query(`create database ${ident(name)} template ${ident(template)}${strategy}${owner ? ` owner ${ident(owner)}` : ''}`),
  );
  return databaseUrl(server.url, name);
}

/** Installs the test extensions into a database (superuser). */
export async function installTestExtensions(url: string, available: string[]): Promise<void> {
  await withClient(url, async (c) => {
    if (available.includes('pgtap')) {
      await c.query('create schema if not exists tap');
      await c.query('create extension if not exists pgtap schema tap');
      await c.query(`do $$
        declare r record;
        begin
          for r in select p.oid::regprocedure as f from pg_catalog.pg_proc p
                    where p.pronamespace = 'tap'::regnamespace
          loop
            execute format('alter function %s set search_path = tap, pg_catalog', r.f);
          end loop;
        end $$`);
      await c.query('grant usage on schema tap to public');
    }
    if (available.includes('pg_stat_statements')) await c.query('create extension if not exists pg_stat_statements');
    if (available.includes('plpgsql_check')) await c.query('create extension if not exists plpgsql_check');
  });
}

/** pg_cron can only be created in cron.database_name ("postgres" in the test clusters). */
export async function installCron(server: TestServer): Promise<void> {
  if (!server.preloaded.includes('pg_cron')) return;
  await withClient(server.url, (c) => c.query('create extension if not exists pg_cron'));
}
