#!/usr/bin/env node
// The pgvigil command line. Each command is a thin call into the library.
import { Command } from 'commander';
import { renderBundle } from './bundle.js';
import { migrate } from './migrate.js';
import { packageVersion } from './sources.js';
import { start } from './start.js';
import { runTick } from './tick.js';
import { uninstall, uninstallSql } from './uninstall.js';

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
  .action(async (opts: { databaseUrl?: string; dryRun?: boolean }) => {
    await migrate({ databaseUrl: opts.databaseUrl, dryRun: opts.dryRun, log: opts.dryRun ? print : info });
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
  .action(async (opts: { databaseUrl?: string }) => {
    await uninstall({ databaseUrl: opts.databaseUrl, log: info });
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
  .command('start')
  .description('The main job: migrate DATABASE_URL, or run a local embedded PostgreSQL with pgvigil in it.')
  .option('--database-url <url>', 'connection URL (default: DATABASE_URL; none: a local embedded cluster)')
  .option('--home <dir>', 'directory of the local cluster', '.pgvigil')
  .option('--port <port>', 'port of the local cluster', (v) => Number(v))
  .option('--once', 'exit after migrating instead of serving until Ctrl-C')
  .action(async (opts: { databaseUrl?: string; home: string; port?: number; once?: boolean }) => {
    await start({ ...opts, log: print });
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  const err = e as { message?: string; hint?: string; code?: string };
  info(`pgvigil: ${err.message ?? String(e)}`);
  if (err.hint) info(`HINT: ${err.hint}`);
  if (err.code && /^[0-9A-Z]{5}$/.test(err.code)) info(`SQLSTATE: ${err.code}`);
  process.exit(1);
});
