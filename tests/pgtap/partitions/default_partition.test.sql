-- Rows in a default partition: rotation never drops, detaches or empties a
-- default partition, even when its rows are far older than the retention;
-- the partition whose range they fall in cannot be made, so it is skipped
-- and said so; and the default_partitions self-check fires for every
-- registered set that has such rows, until a DBA moves them out as
-- docs/partitions.md says, and then resolves.
begin;
select tap.plan(17);

create schema test;
create table test.events (at timestamptz not null, what text) partition by range (at);
create table test.events_default partition of test.events default;
create table test.done (t timestamptz, parent text, action text, partition text, detail text);

create function test.rotate_daily(p_from timestamptz, p_to timestamptz) returns void language plpgsql set search_path = '' as $$
declare
  v_t timestamptz;
begin
  for v_t in select g from pg_catalog.generate_series(p_from, p_to, interval '1 day') g loop
    insert into test.done select v_t, r.* from vigil.rotate_partitions(v_t) r;
  end loop;
end $$;

do $$
begin
  perform vigil.register_partitioned('test.events', 'day', p_retention => '7 days', p_retention_action => 'drop',
                                     p_now => '2026-03-10 12:00+00');
  perform test.rotate_daily('2026-03-10 00:00+00', '2026-03-10 00:00+00');
  -- A sample from the future and one from long ago: no partition takes them.
  insert into vigil.samples (at, check_name, series, value)
  values ('2026-05-01 10:00+00', 'c', '*', 1), ('2025-01-01 10:00+00', 'c', '*', 2);
  insert into test.events values ('2026-05-01 11:00+00', 'early bird');
end $$;

select tap.set_eq($$select tableoid::regclass::text as part, value from vigil.samples$$,
  $$values ('vigil.samples_default', 1::double precision), ('vigil.samples_default', 2)$$,
  'both samples land in vigil.samples_default');

do $$ begin perform test.rotate_daily('2026-03-11 00:00+00', '2026-04-30 00:00+00'); end $$;

select tap.set_eq($$select tableoid::regclass::text as part, value from vigil.samples$$,
  $$values ('vigil.samples_default', 1::double precision), ('vigil.samples_default', 2)$$,
  '51 daily rotations later the two rows are still there, in the default partition (the 2025 one long past the retention)');
select tap.is((select pg_catalog.count(*)::int from test.events_default), 1, 'the DBA''s row too');
select tap.ok((select c.relispartition from pg_catalog.pg_class c where c.oid = 'vigil.samples_default'::regclass),
  'vigil.samples_default is still the default partition of vigil.samples');
select tap.is_empty($$select * from test.done where partition like '%\_default'$$,
  'no rotation touched a default partition');
select tap.set_eq(
  $$select t, parent, partition from test.done where action = 'skipped' and detail like 'rows for % sit in the default partition%'$$,
  $$select t, p.parent, p.partition
      from pg_catalog.generate_series('2026-04-27 00:00+00'::timestamptz, '2026-04-30 00:00+00', interval '1 day') t,
           (values ('vigil.samples', 'vigil.samples_p20260501'), ('test.events', 'test.events_p20260501')) p(parent, partition)$$,
  'the partitions for 2026-05-01 cannot be made: each of the 4 rotations whose premake reaches that day skips them and says why');
select tap.ok(pg_catalog.to_regclass('vigil.samples_p20260430') is not null and pg_catalog.to_regclass('vigil.samples_p20260502') is not null,
  'the days around it were made');
select tap.alike((select last_error from vigil.partition_sets where parent = 'vigil.samples'),
  'skipped vigil.samples_p20260501: rows for 2026-05-01 00:00:00+00 to 2026-05-02 00:00:00+00 sit in the default partition%',
  'partition_sets.last_error of the set says so too');

-- The self-check, called directly and through the engine.
select tap.set_eq(
  $$select series, value, labels, detail->>'partition' as part, detail->>'rows' as n,
           (detail->>'oldest')::timestamptz as oldest, (detail->>'newest')::timestamptz as newest
      from vigil.check_default_partitions('{}') where value > 0$$,
  $$values ('vigil.samples', 2::double precision, '{"table": "vigil.samples"}'::jsonb, 'vigil.samples_default', '2',
            '2025-01-01 10:00+00'::timestamptz, '2026-05-01 10:00+00'::timestamptz),
           ('test.events', 1, '{"table": "test.events"}', 'test.events_default', '1',
            '2026-05-01 11:00+00', '2026-05-01 11:00+00')$$,
  'check_default_partitions reports, per registered set, the rows in its default partition, the oldest and the newest');
select tap.is((select pg_catalog.count(*)::int from vigil.check_default_partitions('{}') where value = 0), 3,
  '... and 0 for the sets whose default partition is empty');

do $$ begin perform vigil.run_check('default_partitions', '2026-04-30 12:00+00'); end $$;
select tap.is((select status from vigil.check_runs where check_name = 'default_partitions'), 'ok', 'the built-in check runs ok');
select tap.set_eq(
  $$select series, state, severity, value from vigil.alert_state where check_name = 'default_partitions'$$,
  $$values ('vigil.samples', 'firing', 'warning', 2::double precision), ('test.events', 'firing', 'warning', 1)$$,
  '... and fires a warning for each table');

-- The DBA's way out (docs/partitions.md): take the rows out of the default
-- partition, let rotation make the partition, put them back; delete what is
-- past the retention anyway.
do $$
begin
  create temporary table moved_samples on commit drop as
    with d as (delete from vigil.samples_default s where s.at >= '2026-05-01 00:00+00' returning s.*) select * from d;
  create temporary table moved_events on commit drop as
    with d as (delete from test.events_default e returning e.*) select * from d;
  delete from vigil.samples_default s where s.at < '2026-04-01 00:00+00';
  insert into test.done select '2026-04-30 12:00+00', r.* from vigil.rotate_partitions('2026-04-30 12:00+00') r;
  insert into vigil.samples select * from pg_temp.moved_samples;
  insert into test.events select * from pg_temp.moved_events;
end $$;

select tap.set_eq($$select action, partition from test.done where t = '2026-04-30 12:00+00'$$,
  $$values ('created', 'vigil.samples_p20260501'), ('created', 'test.events_p20260501')$$,
  'with the rows out of the way the next rotation makes the partitions');
select tap.set_eq($$select tableoid::regclass::text as part, value from vigil.samples where check_name = 'c'$$,
  $$values ('vigil.samples_p20260501', 1::double precision)$$,
  'the moved row is in its partition, and the default partition is empty');
select tap.is(
  (select pg_catalog.count(*)::int from vigil.check_default_partitions('{}') where value > 0), 0,
  'check_default_partitions reports no rows');
do $$ begin perform vigil.run_check('default_partitions', '2026-04-30 12:15+00'); end $$;
select tap.set_eq(
  $$select series, state from vigil.alert_state where check_name = 'default_partitions'$$,
  $$values ('vigil.samples', 'resolved'), ('test.events', 'resolved')$$,
  'and the alerts resolve');
select tap.is((select last_error from vigil.partition_sets where parent = 'vigil.samples'), null,
  'the set''s last_error is cleared');

select * from tap.finish();
rollback;
