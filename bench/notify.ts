// Benchmark: the notification step of a tick (vigil._notify) with 1,000 and
// 10,000 firing alerts, the current version against the one before it went
// incremental (bench/notify_old.sql), side by side on one throwaway cluster.
//
//   npx tsx bench/notify.ts     (BENCH_RUNS=N, default 3; BENCH_ALERTS=1000,10000;
//                                BENCH_OLD_MAX=N: time the old version only up to
//                                N alerts, default 1000: it took 193 s a tick at 10,000)
//
// It prints figures; it is not a test. Each size gets two databases, "new"
// (as migrated) and "old" (the same, with vigil._notify replaced by the old
// body). Ten checks of N/10 series each feed one route (group_by {check}, so
// ten groups; group_wait 3 minutes, group_interval 5 minutes) to one
// channel; the checks' defaults otherwise (a flap window of 21 evaluations:
// until it is full, every evaluation rewrites every alert row). One run, one
// tick a minute, on a fresh day with emptied state:
//   m0       (a) storm: all N alerts newly fire (groups created, nothing sent yet)
//   m1-m2,
//   m4-m20   (b1) nothing new to tell, but evaluation rewrites every alert row
//   m3       (c) group_wait is over: every group flushes, telling all N alerts
//   m21-m25  (b2) steady: nothing changes at all
//   m26      (d) every value changes (not news: N group members rewritten)
//   m27      (e) all N resolve; the groups are due (group_interval) and tell it
// A tick is timed as its two halves, in one transaction as vigil.tick runs
// them: vigil.run_checks (evaluation) and vigil._notify.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../src/migrate.js';
import { databaseUrl, startPrivateServer } from '../scripts/test-cluster.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_ALERTS ?? '1000,10000').split(',').map(Number);
const OLD_MAX = Number(process.env.BENCH_OLD_MAX ?? 1000);
const CHECKS = 10;
const OLD_SQL = readFileSync(join(import.meta.dirname, 'notify_old.sql'), 'utf8');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

type Case = 'a' | 'b1' | 'c' | 'b2' | 'd' | 'e';
const CASES: Array<[Case, string]> = [
  ['a', '(a) storm: N alerts newly fire'],
  ['b1', '(b1) nothing new, evaluation rewrites every row'],
  ['c', '(c) group_wait over: groups flush with all N'],
  ['b2', '(b2) steady: nothing changes'],
  ['d', '(d) every value changes (not news)'],
  ['e', '(e) all N resolve, groups flush'],
];
const PLAN: Case[] = ['a', 'b1', 'b1', 'c', ...Array<Case>(17).fill('b1'), ...Array<Case>(5).fill('b2'), 'd', 'e'];

interface Timing {
  evalMs: number;
  notifyMs: number;
  outbox: number;
}

async function setUp(url: string, n: number, old: boolean): Promise<pg.Client> {
  await migrate({ databaseUrl: url });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`
    delete from vigil.checks;
    create schema bench;
    create table bench.level (value double precision not null);
    insert into bench.level values (95);
    create function bench.synthetic(p_params jsonb)
    returns table (series text, value double precision, labels jsonb, detail jsonb)
    language sql set search_path = '' as $$
      select 's' || g, (select l.value from bench.level l), '{}'::jsonb, null::jsonb
        from pg_catalog.generate_series(1, (p_params ->> 'n')::integer) g $$;
    select vigil.add_check(p_name => 'bench_' || i, p_function => 'bench.synthetic',
                           p_params => jsonb_build_object('n', ${n / CHECKS}), p_warning => 80)
      from generate_series(1, ${CHECKS}) i;
    select vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
    select vigil.add_route('all', 'chat', p_group_wait => '3 minutes', p_group_interval => '5 minutes');`);
  if (old) await client.query(OLD_SQL);
  return client;
}

async function reset(client: pg.Client): Promise<void> {
  await client.query(`
    truncate vigil.alert_state, vigil.alert_events, vigil.group_members, vigil.notification_groups, vigil.outbox,
             vigil.escalations, vigil.samples, vigil.check_runs restart identity cascade;
    update vigil.checks set last_run_at = null;
    update bench.level set value = 95;`);
  // Every run starts from the same statistics: tables known to be empty,
  // as when a storm comes before autovacuum has seen it.
  await client.query('vacuum analyze vigil.alert_state, vigil.group_members, vigil.notification_groups, vigil.outbox');
}

async function tick(client: pg.Client, at: Date): Promise<Timing> {
  await client.query('begin');
  const t0 = process.hrtime.bigint();
  await client.query('select pg_catalog.count(*) from vigil.run_checks($1::timestamptz)', [at]);
  const t1 = process.hrtime.bigint();
  const r = await client.query<{ n: number }>('select vigil._notify($1::timestamptz) as n', [at]);
  const t2 = process.hrtime.bigint();
  await client.query('commit');
  return { evalMs: Number(t1 - t0) / 1e6, notifyMs: Number(t2 - t1) / 1e6, outbox: r.rows[0]!.n };
}

/** One run: the ticks of PLAN on day `day`; the timings per case. */
async function run(client: pg.Client, day: number): Promise<Map<Case, Timing[]>> {
  await reset(client);
  const out = new Map<Case, Timing[]>();
  for (const [minute, c] of PLAN.entries()) {
    if (c === 'd') await client.query('update bench.level set value = 96');
    if (c === 'e') await client.query('update bench.level set value = 0');
    const t = await tick(client, new Date(Date.UTC(2026, 2, 10 + day, 12, minute)));
    out.set(c, [...(out.get(c) ?? []), t]);
  }
  return out;
}

/** What a run wrote, to compare old and new: outbox rows and notification events. */
async function fingerprint(client: pg.Client): Promise<string> {
  const r = await client.query<{ f: string }>(`
    select md5(coalesce((select string_agg(concat_ws('|', channel, kind, idempotency_key, payload::text), E'\\n' order by id)
                           from vigil.outbox), '')
               || coalesce((select string_agg(concat_ws('|', at, alert_id, event, detail::text), E'\\n' order by id)
                              from vigil.alert_events where event in ('suppressed', 'unsuppressed', 'escalated')), '')) as f`);
  return r.rows[0]!.f;
}

const server = await startPrivateServer();
try {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  console.log(`runs: ${RUNS}; ${CHECKS} checks, one route (group_by {check}), one channel`);
  for (const n of SIZES) {
    const withOld = n <= OLD_MAX;
    const versions = withOld ? (['new', 'old'] as const) : (['new'] as const);
    const clients = new Map<string, pg.Client>();
    for (const v of versions) {
      await admin.query(`create database bench_notify_${v}_${n}`);
      clients.set(v, await setUp(databaseUrl(server.url, `bench_notify_${v}_${n}`), n, v === 'old'));
    }
    const results = new Map<string, Map<Case, Timing[]>>(versions.map((v) => [v, new Map()]));
    let same = true;
    for (let i = 0; i < RUNS; i += 1) {
      const prints: string[] = [];
      for (const v of versions) {
        const r = await run(clients.get(v)!, i);
        for (const [c, ts] of r) results.get(v)!.set(c, [...(results.get(v)!.get(c) ?? []), ...ts]);
        prints.push(await fingerprint(clients.get(v)!));
      }
      if (withOld && prints[0] !== prints[1]) same = false;
    }
    console.log(`\n${n.toLocaleString('en')} alerts` + (withOld ? `: old and new wrote the same outbox and events: ${same ? 'yes' : 'NO'}` : ' (new only)'));
    console.log('| case | outbox rows | evaluation ms | _notify ms (new) |' + (withOld ? ' _notify ms (old) | old / new |' : ''));
    console.log('|---|---|---|---|' + (withOld ? '---|---|' : ''));
    for (const [c, label] of CASES) {
      const nw = results.get('new')!.get(c)!;
      const mNew = median(nw.map((t) => t.notifyMs));
      let line = `| ${label} | ${nw[0]!.outbox} | ${median(nw.map((t) => t.evalMs)).toFixed(1)} | ${mNew.toFixed(1)} |`;
      if (withOld) {
        const mOld = median(results.get('old')!.get(c)!.map((t) => t.notifyMs));
        line += ` ${mOld.toFixed(1)} | ${(mOld / mNew).toFixed(1)}x |`;
      }
      console.log(line);
    }
    for (const c of clients.values()) await c.end();
  }
  await admin.end();
} finally {
  await server.stop();
}
