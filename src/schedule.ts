// pgvigil schedule / unschedule: install, update or remove pgvigil's pg_cron
// jobs (vigil_tick, vigil_rotate, vigil_housekeeping; docs/schedules.md).
//
// pg_cron lives in one database of the cluster. Where that is pgvigil's
// database, this is vigil.schedule() / vigil.unschedule(). Where it is
// another one, pgvigil's database cannot see pg_cron at all, so this
// connects to pg_cron's database with the same credentials and schedules
// the jobs there with cron.schedule_in_database, named <job>@<database>
// (pg_cron upserts by name and role, and would not move a job of the same
// name to another database). The list of jobs always comes from
// vigil._cron_jobs, in pgvigil's database.
import pg from 'pg';
import { connect, connectionString } from './connection.js';

export interface ScheduleOptions {
  databaseUrl?: string;
  /** The database pg_cron lives in (default: the one vigil._cron_database() finds). */
  cronDatabase?: string;
  /** Where progress lines and NOTICEs go (default: nowhere). */
  log?: (line: string) => void;
}

export interface ScheduledJob {
  job: string;
  schedule: string;
  command: string;
  /** The database the job runs in. */
  database: string;
  jobid: number;
}

export interface RemovedJob {
  job: string;
  jobid: number;
}

interface Where {
  /** pgvigil's database. */
  database: string;
  /** pg_cron is installed in pgvigil's database. */
  here: boolean;
  /** Where pg_cron lives, when known. */
  cronDatabase: string | null;
}

function onNotice(client: pg.Client, log: (line: string) => void): void {
  client.on('notice', (n) => log(`${n.severity ?? 'NOTICE'}: ${n.message}${n.hint ? `\nHINT: ${n.hint}` : ''}`));
}

async function where(client: pg.Client, cronDatabase?: string): Promise<Where> {
  const r = await client.query<{ database: string; here: boolean; cron_database: string | null }>(
    `select pg_catalog.current_database() as database,
            exists (select from pg_catalog.pg_extension e where e.extname = 'pg_cron') as here,
            vigil._cron_database() as cron_database`,
  );
  const row = r.rows[0]!;
  return { database: row.database, here: row.here, cronDatabase: cronDatabase ?? row.cron_database };
}

/** A client for another database of the same server, with the same credentials. */
async function connectToDatabase(explicit: string | undefined, database: string): Promise<pg.Client> {
  const url = connectionString(explicit);
  let client: pg.Client;
  if (url) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new Error(`cannot reach pg_cron's database ${database}: the connection string is not a URL (postgresql://...)`);
    }
    u.pathname = '/' + encodeURIComponent(database);
    client = new pg.Client({ connectionString: u.toString() });
  } else {
    client = new pg.Client({ database });
  }
  await client.connect();
  return client;
}

/** Runs fn in a transaction on pg_cron's database: all jobs or none. */
async function inCronDatabase<T>(options: ScheduleOptions, cronDatabase: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const cron = await connectToDatabase(options.databaseUrl, cronDatabase);
  try {
    const v = await cron.query<{ version: string | null; in_database: boolean }>(
      `select (select e.extversion from pg_catalog.pg_extension e where e.extname = 'pg_cron') as version,
              pg_catalog.to_regprocedure('cron.schedule_in_database(text,text,text,text,text,boolean)') is not null as in_database`,
    );
    if (!v.rows[0]!.version) throw new Error(`pg_cron is not installed in database ${cronDatabase}`);
    if (!v.rows[0]!.in_database) {
      throw Object.assign(new Error(`pg_cron ${v.rows[0]!.version} in database ${cronDatabase} has no cron.schedule_in_database`), {
        hint: 'pgvigil needs pg_cron 1.4 or newer to run jobs in another database: alter extension pg_cron update;',
      });
    }
    await cron.query('begin');
    try {
      const result = await fn(cron);
      await cron.query('commit');
      return result;
    } catch (e) {
      await cron.query('rollback');
      const err = e as { code?: string; hint?: string; message: string };
      if (err.code === '42501' && !err.hint) {
        const role = (await cron.query<{ r: string }>('select pg_catalog.quote_ident(current_user) as r')).rows[0]!.r;
        err.hint =
          `Ask a superuser to run in database ${cronDatabase}: grant usage on schema cron to ${role}; ` +
          `grant execute on function cron.schedule_in_database(text, text, text, text, text, boolean) to ${role};`;
      }
      throw e;
    }
  } finally {
    await cron.end();
  }
}

/**
 * Installs or updates pgvigil's pg_cron jobs. Twice is the same as once.
 * Without pg_cron anywhere it logs vigil.schedule()'s NOTICE (run the
 * worker's scheduler) and returns no jobs.
 */
export async function schedule(options: ScheduleOptions = {}): Promise<ScheduledJob[]> {
  const log = options.log ?? (() => {});
  const client = await connect(options.databaseUrl);
  onNotice(client, log);
  try {
    const w = await where(client, options.cronDatabase);
    if (w.here || !w.cronDatabase || w.cronDatabase === w.database) {
      // pg_cron here, or nowhere to go: vigil.schedule() does it, or says why not.
      const r = await client.query<{ job: string; schedule: string; command: string; jobid: string }>(
        'select job, schedule, command, jobid from vigil.schedule()',
      );
      const jobs = r.rows.map((row) => ({ ...row, database: w.database, jobid: Number(row.jobid) }));
      for (const j of jobs) log(`scheduled ${j.job} (${j.schedule}) in database ${j.database}: ${j.command} [jobid ${j.jobid}]`);
      return jobs;
    }
    const cronDatabase = w.cronDatabase;
    return await inCronDatabase(options, cronDatabase, async (cron) => {
      const version = (await cron.query<{ v: string }>(`select e.extversion as v from pg_catalog.pg_extension e where e.extname = 'pg_cron'`)).rows[0]!.v;
      const defs = await client.query<{ job: string; schedule: string; command: string; database: string | null }>(
        'select job, schedule, command, database from vigil._cron_jobs($1::text, pg_catalog.current_database())',
        [version],
      );
      const jobs: ScheduledJob[] = [];
      for (const d of defs.rows) {
        const database = d.database ?? cronDatabase;
        const s = await cron.query<{ jobid: string }>('select cron.schedule_in_database($1::text, $2::text, $3::text, $4::text) as jobid', [
          d.job,
          d.schedule,
          d.command,
          database,
        ]);
        const r = await cron.query<{ jobid: string; database: string }>('select j.jobid, j.database from cron.job j where j.jobid = $1::bigint', [
          s.rows[0]!.jobid,
        ]);
        const row = r.rows[0]!;
        // pg_cron keeps the database of a job it updates by name.
        if (row.database !== database) {
          throw Object.assign(new Error(`pg_cron job ${d.job} (jobid ${row.jobid}) runs in database ${row.database}, not ${database}`), {
            hint: `Remove it in database ${cronDatabase} (select cron.unschedule(${row.jobid});) and schedule again.`,
          });
        }
        jobs.push({ job: d.job, schedule: d.schedule, command: d.command, database, jobid: Number(row.jobid) });
        log(`scheduled ${d.job} (${d.schedule}) from database ${cronDatabase} in database ${database}: ${d.command} [jobid ${row.jobid}]`);
      }
      return jobs;
    });
  } finally {
    await client.end();
  }
}

/** pgvigil's jobs for pgvigil's database `database`, scheduled from pg_cron's database: vigil_*@<database>. */
async function removeElsewhere(cron: pg.Client, database: string): Promise<RemovedJob[]> {
  const r = await cron.query<{ job: string; jobid: string }>(
    `select j.jobname::text as job, j.jobid
       from cron.job j
      where pg_catalog.starts_with(j.jobname, 'vigil_')
        and pg_catalog.right(j.jobname, pg_catalog.length($1::text)) = $1::text
        and j.username = current_user
      order by j.jobid`,
    ['@' + database],
  );
  for (const row of r.rows) await cron.query('select cron.unschedule($1::bigint)', [row.jobid]);
  return r.rows.map((row) => ({ job: row.job, jobid: Number(row.jobid) }));
}

/** Removes pgvigil's pg_cron jobs, wherever pgvigil's schedule put them. */
export async function unschedule(options: ScheduleOptions = {}): Promise<RemovedJob[]> {
  const log = options.log ?? (() => {});
  const client = await connect(options.databaseUrl);
  onNotice(client, log);
  try {
    const w = await where(client, options.cronDatabase);
    let removed: RemovedJob[];
    if (w.here || !w.cronDatabase || w.cronDatabase === w.database) {
      const r = await client.query<{ job: string; jobid: string }>('select job, jobid from vigil.unschedule()');
      removed = r.rows.map((row) => ({ job: row.job, jobid: Number(row.jobid) }));
    } else {
      removed = await inCronDatabase(options, w.cronDatabase, (cron) => removeElsewhere(cron, w.database));
    }
    for (const j of removed) log(`unscheduled ${j.job} [jobid ${j.jobid}]`);
    return removed;
  } finally {
    await client.end();
  }
}

/**
 * For `pgvigil uninstall`: when pg_cron lives in another database, removes
 * the jobs `pgvigil schedule` made there for this one (the uninstall SQL,
 * run here, cannot see them). Best effort: a failure is logged, not thrown.
 */
export async function unscheduleElsewhere(client: pg.Client, options: ScheduleOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const r = await client.query<{ ok: boolean }>(`select pg_catalog.to_regprocedure('vigil._cron_database()') is not null as ok`);
  if (!r.rows[0]!.ok) return;
  const w = await where(client, options.cronDatabase);
  if (w.here || !w.cronDatabase || w.cronDatabase === w.database) return;
  try {
    const removed = await inCronDatabase(options, w.cronDatabase, (cron) => removeElsewhere(cron, w.database));
    for (const j of removed) log(`unscheduled ${j.job} in database ${w.cronDatabase} [jobid ${j.jobid}]`);
  } catch (e) {
    log(`pgvigil: could not look for its pg_cron jobs in database ${w.cronDatabase}: ${(e as Error).message}`);
    log(`HINT: Remove them there by hand: select cron.unschedule(jobid) from cron.job where jobname like 'vigil\\_%@${w.database}';`);
  }
}

/**
 * The line `pgvigil migrate` prints about scheduling, or null when pgvigil's
 * jobs are already scheduled in this database.
 */
export async function scheduleOffer(client: pg.Client): Promise<string | null> {
  const w = await where(client);
  if (w.here) {
    let scheduled = false;
    try {
      const r = await client.query<{ n: number }>(
        `select pg_catalog.count(*)::int as n from cron.job j
          where j.jobname = any (array(select c.job from vigil._cron_jobs(null) c))
            and j.database = pg_catalog.current_database()`,
      );
      scheduled = r.rows[0]!.n >= 3;
    } catch {
      // cron.job not readable by this role: offer anyway.
    }
    return scheduled
      ? null
      : `pg_cron is installed here: run select vigil.schedule(); (or pgvigil schedule, or pgvigil migrate --schedule) to run vigil.tick(), partition rotation and housekeeping with it`;
  }
  if (w.cronDatabase && w.cronDatabase !== w.database) {
    return `pg_cron lives in database ${w.cronDatabase}: pgvigil schedule (or pgvigil migrate --schedule) installs or updates pgvigil's jobs there, run in this database`;
  }
  return `pg_cron is not installed: run the worker's scheduler, pgvigil worker (it calls vigil.tick() every 15 s)`;
}
