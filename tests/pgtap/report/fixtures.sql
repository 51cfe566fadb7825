-- Fixtures shared by the report tests (included with \ir after plan()).
-- The report's day is 2026-03-10 (UTC). test.at('09:30') is that day at
-- 09:30 UTC, test.at('08:00', 1) the next morning, test.at('20:00', -1) the
-- evening before. Only this file's checks run: the built-in ones are
-- disabled (their rows stay, so that samples of database_size can be
-- written by hand), and three test checks read test.feed:
--   c, d: one row per series of test.feed with that check's name
--         (warning 80, critical 90);
--   e:    always fails (division by zero).
-- Evaluations go through vigil.tick(p_now), as pg_cron runs it.
create schema test;
-- The tests name outbox rows by id (1, 2, ...): start the ids afresh, as
-- pg_prove runs every file in one database (rolled back with the rest).
alter table vigil.outbox alter column id restart;

create function test.at(p_time text, p_day_offset integer default 0) returns timestamptz
language sql immutable set search_path = ''
  as $$ select ('2026-03-10'::date + p_day_offset + p_time::time) at time zone 'UTC' $$;

create table test.feed (check_name text, series text, value double precision, primary key (check_name, series));
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$
  select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f where f.check_name = p_params ->> '_check' $$;
create function test.boom(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select 'x', (1 / 0)::double precision, '{}'::jsonb, null::jsonb $$;

-- Sets the value of (check, series), then ticks at p_at.
create function test.step(p_at timestamptz, p_check text, p_series text, p_value double precision) returns void
language plpgsql set search_path = '' as $$
begin
  update test.feed f set value = p_value where f.check_name = p_check and f.series = p_series;
  perform vigil.tick(p_at);
end $$;

-- The report as (section, item, value, detail) rows, in its order.
create function test.report(p_day date default null, p_now timestamptz default null, p_section text default null)
returns table (ord bigint, section text, item text, value text, detail text)
language sql set search_path = '' as $$
  select r.ord, r.section, r.item, r.value, r.detail
    from vigil.report(p_day, 'UTC', coalesce(p_now, pg_catalog.now())) with ordinality as r(section, item, value, detail, ord)
   where p_section is null or r.section = p_section
   order by r.ord $$;

update vigil.checks set enabled = false;
insert into test.feed values ('c', 'a', 0), ('c', 'b', 0), ('d', 'x', 0);
do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_critical => 90);
  perform vigil.add_check(p_name => 'd', p_function => 'test.feed_check', p_warning => 80, p_critical => 90);
  perform vigil.add_check(p_name => 'e', p_function => 'test.boom');
end $$;
