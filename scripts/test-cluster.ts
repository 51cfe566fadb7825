// A throwaway PostgreSQL cluster for tests and benchmarks.
//
// Why: every test that touches the database must use a real server, and a
// newcomer must be able to run the suite with no setup. The cluster lives in a
// temp directory, listens on a unix socket only, and is stopped when the run
// ends, even when the run is interrupted (a watchdog process outlives us).
//
// Where the server comes from, in order:
//   1. TEST_DATABASE_URL, if set (a superuser URL: tests create databases);
//   2. local server binaries (PGVIGIL_TEST_BINDIR, else the newest
//      /usr/lib/postgresql/N/bin) in a throwaway cluster;
//   3. a Docker engine, through testcontainers;
//   4. otherwise an error that says what to install.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, chownSync, appendFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface TestServer {
  /** Superuser URL of the maintenance database ("postgres"). */
  url: string;
  /** Server major version, e.g. 15. */
  major: number;
  /** Directory holding pg_dump etc. matching the server, when known. */
  bindir: string | null;
  /** Extensions whose files the server has (pg_available_extensions). */
  extensions: string[];
  /** Libraries in shared_preload_libraries. */
  preloaded: string[];
  /** Where the server came from. */
  source: 'url' | 'local' | 'docker';
  stop(): Promise<void>;
  /** Restarts the server (pg_ctl restart -m fast: sessions are terminated); 'local' only. */
  restart?(): Promise<void>;
}

const WANTED_PRELOAD = ['pg_cron', 'pg_stat_statements'];

/** URL for another database on the same server. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

function findBindir(): string | null {
  const env = process.env.PGVIGIL_TEST_BINDIR;
  if (env) {
    if (!existsSync(join(env, 'postgres'))) throw new Error(`PGVIGIL_TEST_BINDIR=${env} has no postgres binary`);
    return resolve(env);
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'postgres')))
      .map(Number)
      .sort((a, b) => b - a);
    if (majors.length > 0) return join(root, String(majors[0]), 'bin');
  }
  return null;
}

/** The share directory (extension control files) that belongs to a bindir. */
export function shareDirFor(bindir: string): string {
  const pgConfig = join(bindir, 'pg_config');
  if (existsSync(pgConfig)) return execFileSync(pgConfig, ['--sharedir'], { encoding: 'utf8' }).trim();
  const embedded = resolve(bindir, '..', 'share', 'postgresql');
  if (existsSync(join(embedded, 'extension'))) return embedded;
  return resolve(bindir, '..', 'share');
}

function postgresUser(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) {
    throw new Error('The tests run as root, and PostgreSQL refuses to run as root. Create a "postgres" OS user (apt-get install postgresql-common does) or run as another user.');
  }
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function runAs(user: { uid: number; gid: number } | null, file: string, args: string[]): void {
  const r = spawnSync(file, args, {
    encoding: 'utf8',
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    env: { ...process.env, LC_ALL: 'C' },
  });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

async function startLocal(bindir: string, settings: Record<string, string> = {}): Promise<TestServer> {
  const user = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'pgvigil-test-'));
  const data = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  runAs(user, join(bindir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);

  const extDir = join(shareDirFor(bindir), 'extension');
  const has = (ext: string) => existsSync(join(extDir, `${ext}.control`));
  const preload = WANTED_PRELOAD.filter(has);
  const conf = [
    `listen_addresses = ''`,
    `unix_socket_directories = '${dir}'`,
    `fsync = off`,
    `synchronous_commit = off`,
    `full_page_writes = off`,
    `max_connections = 100`,
    `max_prepared_transactions = 10`,
    `wal_level = logical`,
    `max_wal_senders = 10`,
    `max_replication_slots = 10`,
    `max_worker_processes = 32`,
    `shared_preload_libraries = '${preload.join(',')}'`,
    ...(preload.includes('pg_cron') ? [`cron.use_background_workers = on`, `cron.database_name = 'postgres'`] : []),
    ...Object.entries(settings).map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'`),
  ];
  appendFileSync(join(data, 'postgresql.conf'), '\n# pgvigil test cluster\n' + conf.join('\n') + '\n');
  runAs(user, join(bindir, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);

  // The watchdog stops the server and removes the directory once this process
  // is gone, however it ended (SIGKILL included).
  const watchdog = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
        `if [ -f '${data}/postmaster.pid' ]; then kill -QUIT "$(head -1 '${data}/postmaster.pid')" 2>/dev/null; sleep 2; fi; rm -rf '${dir}'`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();

  const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`;
  const version = readFileSync(join(data, 'PG_VERSION'), 'utf8').trim();
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      runAs(user, join(bindir, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* already down */
    }
    try {
      watchdog.kill();
    } catch {
      /* gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);
  return {
    url,
    major: Number(version),
    bindir,
    extensions: readdirSync(extDir)
      .filter((f) => f.endsWith('.control'))
      .map((f) => f.slice(0, -'.control'.length)),
    preloaded: preload,
    source: 'local',
    stop: async () => stopSync(),
    // Asynchronous, unlike runAs: the caller's event loop (a worker under
    // test) keeps running while the server is down.
    restart: () =>
      new Promise<void>((done, fail) => {
        const args = ['-D', data, '-l', join(dir, 'server.log'), '-m', 'fast', '-w', '-t', '60', 'restart'];
        const child = spawn(join(bindir, 'pg_ctl'), args, { stdio: 'ignore', ...(user ? { uid: user.uid, gid: user.gid } : {}), env: { ...process.env, LC_ALL: 'C' } });
        child.on('error', fail);
        child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`pg_ctl ${args.join(' ')} failed (${code}); see ${join(dir, 'server.log')}`))));
      }),
  };
}

async function describeUrl(url: string, source: 'url' | 'docker', stop: () => Promise<void>): Promise<TestServer> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const v = await client.query<{ major: number; preload: string }>(
      `select current_setting('server_version_num')::int / 10000 as major, current_setting('shared_preload_libraries') as preload`,
    );
    const ext = await client.query<{ name: string }>('select name from pg_catalog.pg_available_extensions');
    const row = v.rows[0]!;
    const localBindir = findBindir();
    return {
      url,
      major: row.major,
      bindir: localBindir,
      extensions: ext.rows.map((r) => r.name),
      preloaded: row.preload
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      source,
      stop,
    };
  } finally {
    await client.end();
  }
}

function dockerAnswers(): boolean {
  const r = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

async function startDocker(): Promise<TestServer> {
  // Not exercised on machines without a Docker engine; kept small on purpose.
  const moduleName = 'testcontainers';
  let tc: {
    GenericContainer: new (image: string) => {
      withEnvironment(e: Record<string, string>): unknown;
    };
  };
  try {
    tc = (await import(moduleName)) as typeof tc;
  } catch {
    throw new Error('A Docker engine answers, but the "testcontainers" package is not installed: npm install --no-save testcontainers');
  }
  const image = process.env.PGVIGIL_TEST_IMAGE ?? 'postgres:15';
  type Started = { getHost(): string; getMappedPort(p: number): number; stop(): Promise<unknown> };
  type Builder = {
    withEnvironment(e: Record<string, string>): Builder;
    withExposedPorts(p: number): Builder;
    withCommand(c: string[]): Builder;
    start(): Promise<Started>;
  };
  const builder = new tc.GenericContainer(image) as unknown as Builder;
  const started = await builder
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'max_prepared_transactions=10', '-c', 'wal_level=logical'])
    .start();
  const url = `postgresql://postgres@${started.getHost()}:${started.getMappedPort(5432)}/postgres`;
  return describeUrl(url, 'docker', async () => {
    await started.stop();
  });
}

/** True when a throwaway cluster can be started here (local server binaries). */
export function localBinariesAvailable(): boolean {
  return findBindir() !== null;
}

/**
 * A cluster of one's own, whatever TEST_DATABASE_URL says: for tests about
 * cluster-global objects (roles, max_connections), which must not share a
 * server. `settings` are extra postgresql.conf lines, e.g. { max_connections: '20' }.
 */
export async function startPrivateServer(settings: Record<string, string> = {}): Promise<TestServer> {
  const bindir = findBindir();
  if (!bindir) throw new Error('startPrivateServer needs local server binaries (see startTestServer)');
  return startLocal(bindir, settings);
}

export async function startTestServer(): Promise<TestServer> {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) return describeUrl(fromEnv, 'url', async () => {});
  const bindir = findBindir();
  if (bindir) return startLocal(bindir);
  if (dockerAnswers()) return startDocker();
  throw new Error(
    [
      'No PostgreSQL server for the tests. Do one of these:',
      '  - set TEST_DATABASE_URL to a superuser URL of a PostgreSQL 14-18 server;',
      '  - install the server and extensions (Debian/Ubuntu):',
      '      apt-get install postgresql-15 postgresql-15-cron postgresql-15-pgtap \\',
      '        postgresql-15-plpgsql-check libtap-parser-sourcehandler-pgtap-perl',
      '    or point PGVIGIL_TEST_BINDIR at a directory holding initdb, pg_ctl and postgres;',
      '  - start a Docker engine and npm install --no-save testcontainers.',
    ].join('\n'),
  );
}
