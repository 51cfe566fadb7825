-- requires: superuser
-- (it uses SET ROLE.)
-- vigil._worker_should_tick: the worker's scheduler (tick mode auto) ticks
-- unless pg_cron ran a tick in the last 150 seconds, as vigil.tick()
-- recorded it. Here pg_cron's libpq session is played by application_name
-- 'pg_cron'; its background workers (backend_type pg_cron) are checked with
-- a real pg_cron in tests/cron.test.ts.
begin;
select tap.plan(14);
\ir ../hint_of.sql

delete from vigil.checks;
set local application_name = 'pgvigil test';

select tap.is((select row(w.should_tick, w.last_cron_tick_at)::text from vigil._worker_should_tick('2026-03-10 12:00+00') w),
  row(true, null::timestamptz)::text, 'no tick at all: the worker ticks');

do $$ begin
  perform vigil.tick('2026-03-10 12:00+00');
  perform vigil.tick('2026-03-10 12:01+00');
end $$;
select tap.is((select row(w.should_tick, w.last_cron_tick_at)::text from vigil._worker_should_tick('2026-03-10 12:01:10+00') w),
  row(true, null::timestamptz)::text, 'only ticks that pg_cron did not run: the worker still ticks');
select tap.is((select t.last_tick_at from vigil.tick_state t), '2026-03-10 12:01+00'::timestamptz,
  '... those ticks were recorded as ticks');

set local application_name = 'pg_cron';
do $$ begin perform vigil.tick('2026-03-10 12:02+00'); end $$;
select tap.is((select row(t.last_tick_at, t.last_cron_tick_at)::text from vigil.tick_state t),
  row('2026-03-10 12:02+00'::timestamptz, '2026-03-10 12:02+00'::timestamptz)::text,
  'a tick run by pg_cron is recorded as pg_cron''s');
select tap.is((select row(w.should_tick, w.last_cron_tick_at)::text from vigil._worker_should_tick('2026-03-10 12:02:10+00') w),
  row(false, '2026-03-10 12:02+00'::timestamptz)::text, 'right after a pg_cron tick: the worker stands by');
select tap.is((select w.should_tick from vigil._worker_should_tick('2026-03-10 12:04:29+00') w), false,
  '149 seconds later: still standing by');
select tap.is((select w.should_tick from vigil._worker_should_tick('2026-03-10 12:04:30+00') w), true,
  '150 seconds without a pg_cron tick: the worker takes over');

set local application_name = 'pgvigil worker';
do $$ begin perform vigil.tick('2026-03-10 12:05+00'); end $$;
select tap.is((select row(w.should_tick, w.last_cron_tick_at)::text from vigil._worker_should_tick('2026-03-10 12:05:10+00') w),
  row(true, '2026-03-10 12:02+00'::timestamptz)::text, 'the worker''s own ticks do not count as pg_cron''s');

set local application_name = 'pg_cron';
do $$ begin perform vigil.tick('2026-03-10 12:06+00'); end $$;
select tap.is((select w.should_tick from vigil._worker_should_tick('2026-03-10 12:06:05+00') w), false,
  'pg_cron ticks again: the worker hands back');

select tap.throws_ok($$select * from vigil._worker_should_tick(null)$$, '22023', 'p_now is NULL', 'a NULL p_now is refused');
select tap.is(pg_temp.hint_of($$select * from vigil._worker_should_tick(null)$$), 'Omit it to use now().', '... with a hint');

select tap.ok(not pg_catalog.has_function_privilege('public', 'vigil._worker_should_tick(timestamptz)', 'execute'),
  'PUBLIC may not ask');
set local role vigil_worker;
select tap.lives_ok($$select * from vigil._worker_should_tick()$$,
  'vigil_worker may ask (the worker''s scheduler, connected as vigil_worker)');
select tap.throws_ok($$select vigil.tick()$$, '42501', null, '... but may not tick');
reset role;

select * from tap.finish();
rollback;
