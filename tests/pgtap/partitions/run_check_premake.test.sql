-- vigil.run_check premakes pgvigil's own partitions on its own, cheaply, so
-- that history lands in partitions even where nothing runs
-- vigil.rotate_partitions: it looks up one name per builtin set (the
-- partition of the next period) and premakes the set only when that one is
-- missing. It applies no retention and leaves a DBA's sets to rotation.
begin;
select tap.plan(11);

create schema test;
create function test.one(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select 'a'::text, 1::double precision, '{}'::jsonb, null::jsonb $$;
create table test.logs (at timestamptz not null) partition by range (at);
create table test.wk (at timestamptz not null) partition by range (at);
create table test.mon (at timestamptz not null) partition by range (at);

-- The partitions of pgvigil's own sets, by name.
create function test.own_parts() returns setof text language sql set search_path = '' as $$
  select c.relname::text
    from vigil.partition_sets s
    join pg_catalog.pg_inherits i on i.inhparent = pg_catalog.to_regclass(s.parent)
    join pg_catalog.pg_class c on c.oid = i.inhrelid
   where s.builtin and c.relname !~ '_default$' $$;

delete from vigil.checks;
do $$
begin
  perform vigil.add_check(p_name => 'one', p_function => 'test.one', p_warning => 5);
  perform vigil.register_partitioned('test.logs', 'day', p_retention => '1 day', p_now => '2026-03-01 00:00+00');
  perform vigil.run_check('one', '2026-03-10 12:00+00');
end $$;

select tap.set_eq($$select * from test.own_parts()$$,
  $$select t || '_p' || pg_catalog.to_char(d, 'YYYYMMDD')
      from pg_catalog.unnest(array['samples', 'check_runs', 'alert_events', 'delivery_attempts']) t,
           pg_catalog.generate_series(date '2026-03-10', date '2026-03-14', interval '1 day') d$$,
  'the first run premakes today and the 4 days after it for each of pgvigil''s sets');
select tap.is((select pg_catalog.count(*)::int from vigil.samples_default) + (select pg_catalog.count(*)::int from vigil.check_runs_default), 0,
  'its sample and its run landed in today''s partitions');
select tap.is(vigil._ensure_partitions('2026-03-10 12:01+00'), 0, 'the next run finds tomorrow''s partitions and makes nothing');
select tap.is(vigil._ensure_partitions('2026-03-13 23:59+00'), 0, '... nor does one 3 days later: the 14th is there');
select tap.is(vigil._ensure_partitions('2026-03-14 00:00+00'), 16, 'on the 14th the 15th is missing: 4 days are premade for each of the 4 sets');
select tap.ok(pg_catalog.to_regclass('vigil.samples_p20260318') is not null and pg_catalog.to_regclass('vigil.samples_p20260319') is null,
  '... up to the 18th');

do $$ begin perform vigil.run_check('one', '2026-04-30 12:00+00'); end $$;
select tap.ok(pg_catalog.to_regclass('vigil.samples_p20260310') is not null,
  'run_check applies no retention (vigil.rotate_partitions does)');
select tap.ok(pg_catalog.to_regclass('test.logs_p20260430') is null,
  '... and does not touch a DBA''s set');

-- The name it looks up is the one rotation makes, for weeks and months too
-- (here they stand in for the builtin sets).
do $$
begin
  perform vigil.register_partitioned('test.wk', 'week', p_premake => 1, p_now => '2026-03-04 00:00+00');
  perform vigil.register_partitioned('test.mon', 'month', p_premake => 1, p_now => '2026-03-04 00:00+00');
  update vigil.partition_sets set builtin = parent in ('test.wk', 'test.mon');
end $$;
select tap.is(vigil._ensure_partitions('2026-03-08 23:59+00'), 0,
  'weeks of 2 and 9 March and months March and April made: on Sunday the 8th it finds the next week''s and month''s partitions by name');
select tap.is(vigil._ensure_partitions('2026-03-09 00:00+00'), 1,
  'on Monday the 9th the week of the 16th is missing: one partition made');
select tap.is(vigil._ensure_partitions('2026-04-01 00:00+00'), 3,
  'on 1 April: the weeks of 30 March and 6 April, and May');

select * from tap.finish();
rollback;
