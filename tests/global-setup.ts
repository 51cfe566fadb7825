// Starts (or finds) the PostgreSQL server for the whole run, migrates once into
// a template database, and stops the server afterwards.
import type { TestProject } from 'vitest/node';
import { migrate } from '../src/migrate.js';
import { databaseUrl, startTestServer } from '../scripts/test-cluster.js';
import { createDatabaseFrom, ident, installCron, installTestExtensions, withClient } from './helpers/prepare.js';
import './helpers/server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestServer();
  const suffix = `${process.pid}`;
  const emptyTemplate = `pgvigil_empty_${suffix}`;
  const migratedTemplate = `pgvigil_template_${suffix}`;
  try {
    await installCron(server);
    await withClient(server.url, (c) => c.query(`create database ${ident(emptyTemplate)}`));
    await installTestExtensions(databaseUrl(server.url, emptyTemplate), server.extensions);
    const url = await createDatabaseFrom(server, migratedTemplate, emptyTemplate);
    await migrate({ databaseUrl: url });
  } catch (e) {
    await server.stop();
    throw e;
  }
  const { stop: _stop, restart: _restart, ...described } = server;
  project.provide('pgServer', { ...described, emptyTemplate, migratedTemplate });
  return async () => {
    if (server.source === 'url') {
      // A shared server outlives us: leave it as we found it.
      await withClient(server.url, async (c) => {
        const r = await c.query<{ datname: string }>(
          `select datname from pg_catalog.pg_database where datname like 'pgvigil\\_%\\_' || $1 or datname like 't\\_' || $1 || '\\_%'`,
          [suffix],
        );
        for (const row of r.rows) await c.query(`drop database if exists ${ident(row.datname)} with (force)`);
      });
    }
    await server.stop();
  };
}
