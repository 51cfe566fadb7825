-- Fixtures shared by the alert replay tests (included with \ir after plan()).
-- Time is replayed: minute m is 2026-03-10 12:00 UTC + m minutes, and every
-- evaluation goes through vigil.tick(p_now), as pg_cron runs it.
create schema test;

create function test.t(p_minute integer) returns timestamptz language sql immutable set search_path = ''
  as $$ select '2026-03-10 12:00:00+00'::timestamptz + pg_catalog.make_interval(mins => p_minute) $$;

-- One tick at minute p_minute. Every enabled check must have run, and run ok,
-- at that minute; anything else stops the test with the check's error.
create function test.tick(p_minute integer) returns void language plpgsql set search_path = '' as $$
declare
  v_bad text;
begin
  perform vigil.tick(test.t(p_minute));
  select pg_catalog.string_agg(c.name || ': ' || coalesce(r.status || ' ' || coalesce(r.error, ''), 'did not run'), '; ')
    into v_bad
    from vigil.checks c
    left join vigil.check_runs r on r.check_name = c.name and r.started_at = test.t(p_minute)
   where c.enabled and r.status is distinct from 'ok';
  if v_bad is not null then
    raise exception 'tick at minute %: %', p_minute, v_bad;
  end if;
end $$;

-- Ticks every minute from p_from to p_to.
create function test.ticks(p_from integer, p_to integer) returns void language plpgsql set search_path = '' as $$
begin
  for m in p_from .. p_to loop
    perform test.tick(m);
  end loop;
end $$;
