-- Each check runs isolated: one that raises is recorded as an error with its
-- SQLSTATE, and the others still run and report in the same tick.
begin;
select tap.plan(8);

create schema test;
create function test.ok_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select 'a'::text, 5::double precision, '{}'::jsonb, null::jsonb $$;
create function test.raising_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql set search_path = '' as $$
begin
  raise exception 'boom from a broken check' using errcode = 'data_exception';
end $$;

delete from vigil.checks;  -- only this file's checks
do $$ begin perform vigil.add_check(p_name => 'a_ok', p_function => 'test.ok_check', p_warning => 10); end $$;
do $$ begin perform vigil.add_check(p_name => 'b_raises', p_function => 'test.raising_check'); end $$;
do $$ begin perform vigil.add_check(p_name => 'c_ok', p_function => 'test.ok_check', p_warning => 10); end $$;

select tap.is(
  (select vigil.tick('2026-03-10 12:00:00+00')->>'checks'), '3', 'the tick ran all three checks');
select tap.set_eq(
  $$select check_name, status from vigil.check_runs where started_at = '2026-03-10 12:00:00+00'$$,
  $$values ('a_ok', 'ok'), ('b_raises', 'error'), ('c_ok', 'ok')$$,
  'the raising check is recorded as an error, the others as ok');
select tap.is(
  (select error || ' / ' || sqlstate from vigil.check_runs where check_name = 'b_raises'),
  'boom from a broken check / 22000', 'the error text and SQLSTATE are recorded');
select tap.is(
  (select pg_catalog.count(*)::int from vigil.samples where check_name = 'c_ok' and at = '2026-03-10 12:00:00+00'), 1,
  'the check after the failing one still wrote its aggregate sample');

select tap.is(
  (select value from vigil.check_check_errors('{"_now": "2026-03-10 12:00:00+00"}') where series = 'b_raises'),
  1::double precision, 'check_errors reports the failing check (1 consecutive failure)');
do $$ begin perform vigil.tick('2026-03-10 12:01:00+00'); end $$;
select tap.is(
  (select value from vigil.check_check_errors('{"_now": "2026-03-10 12:01:00+00"}') where series = 'b_raises'),
  2::double precision, '... 2 after the next tick');
select tap.is(
  (select pg_catalog.count(*)::int from vigil.check_check_errors('{"_now": "2026-03-10 12:01:00+00"}') where series like '%ok'),
  0, 'healthy checks are not reported');

create or replace function test.raising_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select 'fixed'::text, 1::double precision, '{}'::jsonb, null::jsonb $$;
do $$ begin perform vigil.tick('2026-03-10 12:02:00+00'); end $$;
select tap.is(
  (select pg_catalog.count(*)::int from vigil.check_check_errors('{"_now": "2026-03-10 12:02:00+00"}') where series = 'b_raises'),
  0, 'once the check succeeds again it is no longer reported');

select * from tap.finish();
rollback;
