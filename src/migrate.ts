// pgvigil migrate: numbered migrations (node-pg-migrate), then the repeatable
// layer in one transaction, both under one advisory lock.
import type pg from 'pg';
import { runner } from 'node-pg-migrate';
import { connect } from './connection.js';
import { schedule, scheduleOffer } from './schedule.js';
import {
  MIGRATE_LOCK_KEY,
  MIGRATIONS_DIR,
  MIGRATIONS_SCHEMA,
  MIGRATIONS_TABLE,
  REPEATABLE_PREAMBLE,
  loadMigrations,
  loadRepeatable,
  recordSourcesSql,
} from './sources.js';

export interface MigrateOptions {
  databaseUrl?: string;
  /** Print the SQL that would run, change nothing. */
  dryRun?: boolean;
  /** Then install or update pgvigil's pg_cron jobs (pgvigil schedule); else say how. */
  schedule?: boolean;
  /** With schedule: the database pg_cron lives in (default: found from the server). */
  cronDatabase?: string;
  /** Where progress lines go (default: nowhere). */
  log?: (line: string) => void;
}

export interface MigrateResult {
  /** Numbered migrations applied by this run (or that would be, with dryRun). */
  migrations: string[];
  /** Repeatable files applied (or that would be). */
  repeatable: string[];
  /** Repeatable files whose content differs from what the database had. */
  changed: string[];
}

async function appliedMigrations(client: pg.Client): Promise<string[]> {
  const exists = await client.query<{ ok: boolean }>(
    `select pg_catalog.to_regclass($1) is not null as ok`,
    [`"${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}"`],
  );
  if (!exists.rows[0]?.ok) return [];
  const r = await client.query<{ name: string }>(
    `select name from "${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}" order by run_on, id`,
  );
  return r.rows.map((row) => row.name);
}

async function knownShas(client: pg.Client): Promise<Map<string, string>> {
  const exists = await client.query<{ ok: boolean }>(`select pg_catalog.to_regclass('vigil.sql_sources') is not null as ok`);
  if (!exists.rows[0]?.ok) return new Map();
  const r = await client.query<{ path: string; sha256: string }>('select path, sha256 from vigil.sql_sources');
  return new Map(r.rows.map((row) => [row.path, row.sha256]));
}

/** Refuses to run an older package over a database migrated by a newer one. */
function assertNotNewer(applied: string[], shipped: string[]): void {
  const unknown = applied.filter((name) => !shipped.includes(name));
  if (unknown.length > 0) {
    const err = new Error(
      `this database has pgvigil migrations that this package does not ship: ${unknown.join(', ')}. ` +
        'It was migrated by a newer pgvigil; re-applying this older SQL would downgrade its functions. ' +
        'Run the newer pgvigil (npx pgvigil@latest migrate).',
    );
    err.name = 'PgvigilNewerDatabase';
    throw err;
  }
}

export async function migrate(options: MigrateOptions = {}): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const migrations = loadMigrations();
  const sources = loadRepeatable();
  const client = await connect(options.databaseUrl);
  client.on('notice', (n) => log(`${n.severity ?? 'NOTICE'}: ${n.message}${n.hint ? `\nHINT: ${n.hint}` : ''}`));
  try {
    await client.query('select pg_catalog.pg_advisory_lock($1::bigint)', [MIGRATE_LOCK_KEY]);
    try {
      const applied = await appliedMigrations(client);
      assertNotNewer(
        applied,
        migrations.map((m) => m.name),
      );
      const pending = migrations.filter((m) => !applied.includes(m.name));
      const shas = await knownShas(client);
      const changed = sources.filter((s) => shas.get(s.path) !== s.sha256).map((s) => s.path);
      const result: MigrateResult = {
        migrations: pending.map((m) => m.name),
        repeatable: sources.map((s) => s.path),
        changed,
      };

      if (options.dryRun) {
        log(`-- pgvigil migrate --dry-run: nothing below has been run.`);
        log(`create schema if not exists vigil;`);
        for (const m of pending) log(`-- migration ${m.name}\n${m.sql.trim()}\n`);
        log(`-- repeatable layer, one transaction\nbegin;\n${REPEATABLE_PREAMBLE.join(';\n')};`);
        for (const s of sources) log(`-- ${s.path}\n${s.sql.trim()}\n`);
        log(`${recordSourcesSql(sources)}\ncommit;`);
        return result;
      }

      // Everything pgvigil runs is schema-qualified; prove it on every install.
      await client.query(`set search_path = ''`);
      await client.query(`create schema if not exists ${MIGRATIONS_SCHEMA}`);
      const ran = await runner({
        dbClient: client,
        dir: MIGRATIONS_DIR,
        migrationsSchema: MIGRATIONS_SCHEMA,
        migrationsTable: MIGRATIONS_TABLE,
        direction: 'up',
        count: Infinity,
        noLock: true, // pgvigil's own lock is held
        checkOrder: true,
        singleTransaction: true,
        logger: { debug: () => {}, info: () => {}, warn: (m: string) => log(`warning: ${m}`), error: (m: string) => log(m) },
      });
      for (const m of ran) log(`migration ${m.name}: applied`);
      if (ran.length === 0) log('migrations: up to date');

      await client.query('begin');
      try {
        for (const stmt of REPEATABLE_PREAMBLE) await client.query(stmt);
        for (const s of sources) {
          try {
            await client.query(s.sql);
          } catch (e) {
            if (e instanceof Error) e.message = `${s.path}: ${e.message}`;
            throw e;
          }
        }
        await client.query(recordSourcesSql(sources));
        await client.query('commit');
      } catch (e) {
        await client.query('rollback');
        throw e;
      }
      log(`repeatable layer: ${sources.length} files applied (${changed.length} changed)`);
      for (const path of changed) log(`  changed: ${path}`);
      if (options.schedule) {
        await schedule({ databaseUrl: options.databaseUrl, cronDatabase: options.cronDatabase, log });
      } else {
        // Only advice: it never fails a migrate.
        const offer = await scheduleOffer(client).catch(() => null);
        if (offer) log(offer);
      }
      return { ...result, migrations: ran.map((m) => m.name) };
    } finally {
      await client.query('select pg_catalog.pg_advisory_unlock($1::bigint)', [MIGRATE_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}
