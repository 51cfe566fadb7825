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
//
// Scenario "escalation" (BENCH_ESC_ALERTS=N, default 10000): vigil._escalate
// against the one before it went incremental (bench/escalate_old.sql), side
// by side the same way, "old" being the current schema with only
// vigil._escalate replaced. Ten checks of N/10 series (flap window 3, so that
// from minute 3 on evaluation no longer rewrites the alert rows) feed one
// route (group_by {check}, group_wait 3 min) to one channel, with an
// escalation policy of two steps (pager after 5 minutes, lead 15 minutes
// later, no repeat). One run, one tick a minute, on a fresh day with
// emptied state:
//   m0       storm: all N alerts fire, N escalations start
//   m1-m4    warm-up (flap history fills; m3 the groups flush)
//   m5       step 1 for all N
//   m6-m19   steady, steps under way: nothing changes, nothing due
//   m20      step 2 for all N
//   m21-m30  steady, escalations spent: nothing changes
//   m31-m37  one change a tick: one alert acked, unacked (re-armed), a
//            silence on one check (N/10 end), nothing, the silence over
//            (N/10 re-armed), the route's policy removed (N end), put back
//            (N start)
//   m38      all N acked (N end)
//   m39-m42  steady with all N acked: nothing changes
// Each tick is timed whole (run_checks + _notify, one transaction) and
// vigil._escalate alone (its time in the transaction, track_functions).
// The bench checks that old and new wrote the same outbox rows, events and
// escalations.
//
//   BENCH_SCENARIOS=escalation npx tsx bench/notify.ts   (default: notify,escalation)
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../src/migrate.js';
import { databaseUrl, startPrivateServer } from '../scripts/test-cluster.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_ALERTS ?? '1000,10000').split(',').map(Number);
const OLD_MAX = Number(process.env.BENCH_OLD_MAX ?? 1000);
const CHECKS = 10;
const OLD_SQL = readFileSync(join(import.meta.dirname, 'notify_old.sql'), 'utf8');
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'notify,escalation').split(',');
const ESC_SIZES = (process.env.BENCH_ESC_ALERTS ?? '10000').split(',').map(Number);
const ESC_OLD_SQL = readFileSync(join(import.meta.dirname, 'escalate_old.sql'), 'utf8');

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

/** A migrated database with no checks and an empty schema bench, and a client on it. */
async function freshBench(url: string): Promise<pg.Client> {
  await migrate({ databaseUrl: url });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('delete from vigil.checks; create schema bench;');
  return client;
}

async function setUp(url: string, n: number, old: boolean): Promise<pg.Client> {
  const client = await freshBench(url);
  await client.query(`
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
  // The commit counts with _notify: deferred foreign-key checks of the rows
  // it inserted run there (migration 0017).
  const t3 = process.hrtime.bigint();
  return { evalMs: Number(t1 - t0) / 1e6, notifyMs: Number(t2 - t1 + (t3 - t2)) / 1e6, outbox: r.rows[0]!.n };
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

type EscCase =
  | 'storm' | 'warm' | 'step1' | 'steady1' | 'step2' | 'steady2'
  | 'ack' | 'unack' | 'silence' | 'quiet' | 'freed' | 'policyOff' | 'policyOn' | 'ackAll' | 'steadyAcked';
const ESC_CASES: Array<[EscCase, string]> = [
  ['storm', 'm0 storm: N alerts fire, N escalations start'],
  ['warm', 'm1-m4 warm-up (m3: the groups flush)'],
  ['step1', 'm5 step 1 for all N'],
  ['steady1', '**m6-m19 steady, steps under way**'],
  ['step2', 'm20 step 2 for all N'],
  ['steady2', '**m21-m30 steady, escalations spent**'],
  ['ack', 'm31 one alert acked'],
  ['unack', 'm32 it is unacked (re-armed)'],
  ['silence', 'm33 a silence on one check (N/10 end)'],
  ['quiet', 'm34 nothing changes (under the silence)'],
  ['freed', 'm35 the silence is over (N/10 re-armed)'],
  ['policyOff', "m36 the route's policy removed (N end)"],
  ['policyOn', 'm37 the policy put back (N start)'],
  ['ackAll', 'm38 all N acked (N end)'],
  ['steadyAcked', '**m39-m42 steady, all N acked**'],
];
const ESC_PLAN: EscCase[] = [
  'storm', ...Array<EscCase>(4).fill('warm'), 'step1', ...Array<EscCase>(14).fill('steady1'), 'step2',
  ...Array<EscCase>(10).fill('steady2'), 'ack', 'unack', 'silence', 'quiet', 'freed', 'policyOff', 'policyOn',
  'ackAll', ...Array<EscCase>(4).fill('steadyAcked'),
];

interface EscTiming {
  tickMs: number;
  escalateMs: number;
  outbox: number;
}

async function escSetUp(url: string, n: number, old: boolean): Promise<pg.Client> {
  const client = await freshBench(url);
  await client.query(`
    create function bench.synthetic(p_params jsonb)
    returns table (series text, value double precision, labels jsonb, detail jsonb)
    language sql set search_path = '' as $$
      select 's' || g, 95::double precision, '{}'::jsonb, null::jsonb
        from pg_catalog.generate_series(1, (p_params ->> 'n')::integer) g $$;
    select vigil.add_check(p_name => 'bench_' || i, p_function => 'bench.synthetic',
                           p_params => jsonb_build_object('n', ${n / CHECKS}), p_warning => 80,
                           p_flap_window => 3, p_flap_start => 100, p_flap_stop => 99)
      from generate_series(1, ${CHECKS}) i;
    select vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
    select vigil.add_channel('pager', 'webhook', 'https://pager.example.com/hook');
    select vigil.add_channel('lead', 'webhook', 'https://lead.example.com/hook');
    select vigil.add_escalation_policy('oncall', array['pager', 'lead'], array['5 minutes', '15 minutes']::interval[]);
    select vigil.add_route('all', 'chat', p_group_wait => '3 minutes', p_group_interval => '5 minutes',
                           p_escalation_policy => 'oncall');`);
  if (old) await client.query(ESC_OLD_SQL);
  // vigil._escalate's own time, read inside the tick's transaction.
  await client.query(`set track_functions = 'pl'`);
  return client;
}

async function escReset(client: pg.Client): Promise<void> {
  await client.query(`
    truncate vigil.alert_state, vigil.alert_events, vigil.group_members, vigil.notification_groups, vigil.outbox,
             vigil.escalations, vigil.samples, vigil.check_runs, vigil.silences restart identity cascade;
    delete from vigil.notify_cursor;
    delete from vigil.escalation_cursor;
    update vigil.checks set last_run_at = null;
    update vigil.routes set escalation_policy = 'oncall';`);
  await client.query(
    'vacuum analyze vigil.alert_state, vigil.group_members, vigil.notification_groups, vigil.outbox, vigil.escalations',
  );
}

/** What happens just before the tick of a case (its own transaction, 30 s before the tick). */
async function escBefore(client: pg.Client, c: EscCase, at: Date): Promise<void> {
  const before = new Date(at.getTime() - 30_000);
  const first = '(select pg_catalog.min(id) from vigil.alert_state)';
  if (c === 'ack') await client.query(`select vigil.ack(${first}, 'bench', null, $1::timestamptz)`, [before]);
  if (c === 'unack') await client.query(`select vigil.unack(${first}, 'bench', $1::timestamptz)`, [before]);
  if (c === 'silence')
    await client.query(
      `select vigil.silence(array['check=bench_1'], p_starts_at => $1::timestamptz,
                            p_ends_at => $1::timestamptz + interval '2 minutes', p_comment => 'bench')`,
      [before],
    );
  if (c === 'policyOff') await client.query(`update vigil.routes set escalation_policy = null`);
  if (c === 'policyOn') await client.query(`update vigil.routes set escalation_policy = 'oncall'`);
  if (c === 'ackAll')
    await client.query(`select pg_catalog.count(vigil.ack(s.id, 'bench', null, $1::timestamptz)) from vigil.alert_state s`, [
      before,
    ]);
}

/** vigil._escalate's time so far, as this session's statistics hold it (not yet reported: it may span transactions). */
async function escalateTime(client: pg.Client): Promise<number> {
  const r = await client.query<{ ms: number | null }>(
    `select pg_catalog.pg_stat_get_xact_function_total_time('vigil._escalate(timestamptz, bigint[])'::regprocedure) as ms`,
  );
  return r.rows[0]!.ms ?? 0;
}

async function escTick(client: pg.Client, at: Date): Promise<EscTiming> {
  await client.query('begin');
  const t0 = process.hrtime.bigint();
  await client.query('select pg_catalog.count(*) from vigil.run_checks($1::timestamptz)', [at]);
  const t1 = process.hrtime.bigint();
  const e0 = await escalateTime(client);
  const t2 = process.hrtime.bigint();
  const r = await client.query<{ n: number }>('select vigil._notify($1::timestamptz) as n', [at]);
  const t3 = process.hrtime.bigint();
  const e1 = await escalateTime(client);
  const t4 = process.hrtime.bigint();
  await client.query('commit');
  // (The commit counts with the tick: deferred foreign-key checks run there.)
  const t5 = process.hrtime.bigint();
  return { tickMs: Number(t1 - t0 + (t3 - t2) + (t5 - t4)) / 1e6, escalateMs: e1 - e0, outbox: r.rows[0]!.n };
}

/** What an escalation run left: outbox rows, escalation and ack events, escalations. */
async function escFingerprint(client: pg.Client): Promise<string> {
  const r = await client.query<{ f: string }>(`
    select md5(coalesce((select string_agg(concat_ws('|', created_at, channel, kind, idempotency_key, payload::text), E'\\n'
                                           order by created_at, idempotency_key)
                           from vigil.outbox), '')
               || coalesce((select string_agg(concat_ws('|', at, alert_id, event, detail::text), E'\\n'
                                              order by at, alert_id, event, detail::text)
                              from vigil.alert_events
                             where event in ('suppressed', 'unsuppressed', 'escalated', 'acknowledged', 'unacknowledged')), '')
               || coalesce((select string_agg(concat_ws('|', alert_id, route_id, policy, started_at, next_step, loop, next_at), E'\\n'
                                              order by alert_id, route_id)
                              from vigil.escalations), '')) as f`);
  return r.rows[0]!.f;
}

async function escalationScenario(admin: pg.Client, url: string): Promise<void> {
  console.log(`\nescalation: runs: ${RUNS}; ${CHECKS} checks, one route (group_by {check}), policy pager 5 min, lead 15 min`);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const n of ESC_SIZES) {
    const versions = ['new', 'old'] as const;
    const clients = new Map<string, pg.Client>();
    for (const v of versions) {
      await admin.query(`create database bench_escalate_${v}_${n}`);
      clients.set(v, await escSetUp(databaseUrl(url, `bench_escalate_${v}_${n}`), n, v === 'old'));
    }
    const results = new Map<string, Map<EscCase, EscTiming[]>>(versions.map((v) => [v, new Map()]));
    let same = true;
    for (let i = 0; i < RUNS; i += 1) {
      const prints: string[] = [];
      for (const v of versions) {
        const client = clients.get(v)!;
        await escReset(client);
        for (const [minute, c] of ESC_PLAN.entries()) {
          const at = new Date(Date.UTC(2026, 2, 10 + i, 12, minute));
          await escBefore(client, c, at);
          const t = await escTick(client, at);
          results.get(v)!.set(c, [...(results.get(v)!.get(c) ?? []), t]);
        }
        prints.push(await escFingerprint(client));
      }
      if (prints[0] !== prints[1]) same = false;
    }
    console.log(`\n${n.toLocaleString('en')} alerts: old and new wrote the same outbox, events and escalations: ${same ? 'yes' : 'NO'}`);
    console.log('| case | outbox rows a tick | tick ms (old) | tick ms (new) | old / new | _escalate ms (old) | _escalate ms (new) | old / new |');
    console.log('|---|---|---|---|---|---|---|---|');
    const ratio = (x: number) => `${(x >= 10 ? x.toFixed(0) : x.toFixed(1))}x`;
    for (const [c, label] of ESC_CASES) {
      const nw = results.get('new')!.get(c)!;
      const od = results.get('old')!.get(c)!;
      const tNew = median(nw.map((t) => t.tickMs));
      const tOld = median(od.map((t) => t.tickMs));
      const eNew = median(nw.map((t) => t.escalateMs));
      const eOld = median(od.map((t) => t.escalateMs));
      console.log(
        `| ${label} | ${median(nw.map((t) => t.outbox))} | ${tOld.toFixed(1)} | ${tNew.toFixed(1)} | ${ratio(tOld / tNew)} | ` +
          `${eOld.toFixed(1)} | ${eNew.toFixed(2)} | ${ratio(eOld / eNew)} |`,
      );
    }
    for (const c of clients.values()) await c.end();
  }
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

const server = await startPrivateServer();
try {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  if (SCENARIOS.includes('notify')) console.log(`runs: ${RUNS}; ${CHECKS} checks, one route (group_by {check}), one channel`);
  for (const n of SCENARIOS.includes('notify') ? SIZES : []) {
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
    console.log('| case | outbox rows | evaluation ms | _notify + commit ms (new) |' + (withOld ? ' _notify + commit ms (old) | old / new |' : ''));
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
  if (SCENARIOS.includes('escalation')) await escalationScenario(admin, server.url);
  await admin.end();
} finally {
  await server.stop();
}
