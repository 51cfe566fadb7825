-- vigil.check_errors (sql/views/check_errors.sql): the enabled checks whose
-- latest run failed (status error or timeout, with the error and SQLSTATE of
-- that run, since = the first failing run of the current streak,
-- failing_runs = runs in a row that failed, last_ok_at = the last ok run),
-- and the enabled checks that are overdue (no run for more than 3 x every
-- against now(), counted from created_at when they never ran: status
-- overdue, since = the last run or created_at, failing_runs 0). Failing
-- first, then overdue; each oldest since first. A check that recovered, a
-- healthy one, a disabled one and one just added are not listed.
--
-- The view reads now(), so the ticks here are replayed relative to it:
-- minute m is date_trunc('minute', now()) + m minutes (m < 0). Each check's
-- function fails as test.mode says: error (42P01), div0 (22012) or lock
-- (55P03, which run_check records as a timeout).
--   c_err        ok at -5, -4; error at -3, -2, -1;
--   c_never_ok   div0 from -5 (5 failing runs, never ok);
--   c_timeout    ok until -2; lock at -1;
--   c_recovered  error at -3; ok from -2;
--   c_ok         ok throughout;
--   c_disabled   error at -5, then disabled;
--   c_overdue    ok at -5, disabled for the later ticks, enabled again;
--   c_never      added after the ticks, created 20 minutes ago, never ran;
--   c_new        added after the ticks (created now), never ran.
begin;
select tap.plan(4);

create schema test;
create function test.n(p_minute integer) returns timestamptz language sql stable set search_path = ''
  as $$ select pg_catalog.date_trunc('minute', pg_catalog.now()) + pg_catalog.make_interval(mins => p_minute) $$;
create table test.mode (check_name text primary key, mode text not null);
create function test.flaky_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql set search_path = '' as $$
declare
  v_mode text := (select m.mode from test.mode m where m.check_name = p_params->>'_check');
begin
  if v_mode = 'error' then
    raise exception 'relation "public.orders" does not exist' using errcode = 'undefined_table';
  elsif v_mode = 'div0' then
    raise exception 'division by zero' using errcode = 'division_by_zero';
  elsif v_mode = 'lock' then
    raise exception 'canceling statement due to lock timeout' using errcode = 'lock_not_available';
  end if;
  return query select 'x'::text, 1::double precision, '{}'::jsonb, null::jsonb;
end $$;
create function test.set(p_check text, p_mode text) returns void language sql set search_path = '' as $$
  insert into test.mode (check_name, mode) values (p_check, p_mode)
  on conflict (check_name) do update set mode = excluded.mode $$;

delete from vigil.checks;  -- only this file's checks
do $$
declare
  v_name text;
begin
  foreach v_name in array array['c_err', 'c_never_ok', 'c_timeout', 'c_recovered', 'c_ok', 'c_disabled', 'c_overdue'] loop
    perform vigil.add_check(p_name => v_name, p_function => 'test.flaky_check');
  end loop;
  perform test.set('c_never_ok', 'div0');
  perform test.set('c_disabled', 'error');
  perform vigil.tick(test.n(-5));
  perform vigil.disable_check('c_disabled');
  perform vigil.disable_check('c_overdue');
  perform vigil.tick(test.n(-4));
  perform test.set('c_err', 'error');
  perform test.set('c_recovered', 'error');
  perform vigil.tick(test.n(-3));
  perform test.set('c_recovered', 'ok');
  perform vigil.tick(test.n(-2));
  perform test.set('c_timeout', 'lock');
  perform vigil.tick(test.n(-1));
  perform vigil.enable_check('c_overdue');
  perform vigil.add_check(p_name => 'c_never', p_function => 'test.flaky_check');
  perform vigil.add_check(p_name => 'c_new', p_function => 'test.flaky_check');
end $$;
update vigil.checks set created_at = pg_catalog.now() - interval '20 minutes' where name = 'c_never';

select tap.results_eq(
  $$select check_name, status, error, sqlstate, since, failing_runs, last_ok_at, last_run_at, every from vigil.check_errors$$,
  $$values
    ('c_never_ok', 'error', 'division by zero', '22012', test.n(-5), 5, null::timestamptz, test.n(-1), interval '1 minute'),
    ('c_err', 'error', 'relation "public.orders" does not exist', '42P01', test.n(-3), 3, test.n(-4), test.n(-1), interval '1 minute'),
    ('c_timeout', 'timeout', 'canceling statement due to lock timeout', '55P03', test.n(-1), 1, test.n(-2), test.n(-1), interval '1 minute'),
    ('c_never', 'overdue', 'never ran: is vigil.tick() running (pg_cron or the worker)?', null,
     pg_catalog.now() - interval '20 minutes', 0, null, null, interval '1 minute'),
    ('c_overdue', 'overdue', 'no run for over 3 x every: is vigil.tick() running (pg_cron or the worker)?', null,
     test.n(-5), 0, test.n(-5), test.n(-5), interval '1 minute')$$,
  'failing checks (oldest streak first), then overdue ones; recovered, healthy, disabled and new checks are not listed');

-- Overdue is "more than 3 x every": an every of 5 minutes makes c_overdue
-- (last run 5 minutes ago) current again.
do $$ begin perform vigil.update_check('c_overdue', p_every => '5 minutes'); end $$;
select tap.is_empty($$select 1 from vigil.check_errors where check_name = 'c_overdue'$$,
  'a check that ran within 3 x every is not overdue');

-- A failing check stops being listed once it runs ok; a failing check that
-- is also overdue is listed as failing.
do $$
begin
  perform test.set('c_err', 'ok');
  perform vigil.run_check('c_err', test.n(0));
end $$;
select tap.is_empty($$select 1 from vigil.check_errors where check_name = 'c_err'$$,
  'a check whose latest run is ok again is not listed');
update vigil.checks set last_run_at = test.n(-60) where name = 'c_timeout';
select tap.results_eq(
  $$select status, since, failing_runs from vigil.check_errors where check_name = 'c_timeout'$$,
  $$values ('timeout', test.n(-1), 1)$$,
  'a failing check that is also overdue is listed once, as failing');

select * from tap.finish();
rollback;
