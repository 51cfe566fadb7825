-- 100 days of vigil.rotate_partitions(p_now), replayed from 2030-01-01 00:00
-- UTC: one rotation at each midnight and one a microsecond before it. After
-- every rotation each set must hold exactly the partitions from the first
-- period to premake periods ahead, minus those whose upper bound is at or
-- before p_now - retention: premade in time, and expired exactly on time,
-- not a microsecond early nor late. pgvigil's own sets are daily, premake 4,
-- kept 14 (samples, check_runs), 90 (alert_events) and 30 days
-- (delivery_attempts), and dropped. A DBA's table, registered by month, kept
-- 90 days and detached, comes with three monthly partitions of its own
-- (other names) from before the replay: they are detached on time, and stay
-- as tables with their rows.
begin;
select tap.plan(17);

create schema test;
create table test.system_logs (
  id         bigint generated always as identity,
  created_at timestamptz not null,
  msg        text
) partition by range (created_at);
create table test.system_logs_default partition of test.system_logs default;
create table test.system_logs_2029_10 partition of test.system_logs for values from ('2029-10-01 00:00+00') to ('2029-11-01 00:00+00');
create table test.system_logs_2029_11 partition of test.system_logs for values from ('2029-11-01 00:00+00') to ('2029-12-01 00:00+00');
create table test.system_logs_2029_12 partition of test.system_logs for values from ('2029-12-01 00:00+00') to ('2030-01-01 00:00+00');
insert into test.system_logs (created_at, msg)
select '2029-10-01 00:00+00'::timestamptz + g * interval '1 hour', 'line ' || g
  from pg_catalog.generate_series(0, 92 * 24 - 1) g;  -- October to December, hourly

-- The rotation times, the partitions seen after each, and what each did.
create table test.times as
select '2030-01-01 00:00+00'::timestamptz + d * interval '1 day' - interval '1 microsecond' as t
  from pg_catalog.generate_series(1, 99) d
union all
select '2030-01-01 00:00+00'::timestamptz + d * interval '1 day'
  from pg_catalog.generate_series(0, 99) d;
create table test.seen (t timestamptz, parent text, partition name);
create table test.done (t timestamptz, parent text, action text, partition text, detail text);

do $$
begin
  perform vigil.register_partitioned('test.system_logs', 'month', p_retention => '90 days',
                                     p_retention_action => 'detach', p_now => '2030-01-01 00:00+00');
end $$;

do $$
declare
  v_t timestamptz;
begin
  for v_t in select t from test.times order by t loop
    insert into test.done select v_t, r.* from vigil.rotate_partitions(v_t) r;
    insert into test.seen
    select v_t, s.parent, c.relname
      from vigil.partition_sets s
      join pg_catalog.pg_inherits i on i.inhparent = pg_catalog.to_regclass(s.parent)
      join pg_catalog.pg_class c on c.oid = i.inhrelid
     where c.relname !~ '_default$';
    if v_t = '2030-01-01 00:00+00' then
      -- a day of samples in the first day's partition
      insert into vigil.samples (at, check_name, series, value)
      select v_t + g * interval '1 hour', 'c', '*', g from pg_catalog.generate_series(0, 23) g;
    end if;
  end loop;
end $$;

-- What each set should hold after the rotation at t.
create function test.expected_builtin(p_table text, p_retention interval)
returns table (t timestamptz, parent text, partition name) language sql set search_path = '' as $$
  select o.t, 'vigil.' || p_table, (p_table || '_p' || pg_catalog.to_char(d, 'YYYYMMDD'))::name
    from test.times o
    cross join lateral pg_catalog.generate_series(timestamp '2030-01-01',
                         pg_catalog.date_trunc('day', pg_catalog.timezone('UTC', o.t)) + interval '4 days', interval '1 day') d
   where d + interval '1 day' > pg_catalog.timezone('UTC', o.t) - p_retention $$;

select tap.set_eq($$select * from test.seen where parent = 'vigil.samples'$$,
  $$select * from test.expected_builtin('samples', '14 days')$$,
  'vigil.samples: after each of the 199 rotations, today and 4 days ahead exist, and every day is dropped exactly when its upper bound is 14 days old');
select tap.set_eq($$select * from test.seen where parent = 'vigil.check_runs'$$,
  $$select * from test.expected_builtin('check_runs', '14 days')$$,
  'vigil.check_runs: the same, kept 14 days');
select tap.set_eq($$select * from test.seen where parent = 'vigil.alert_events'$$,
  $$select * from test.expected_builtin('alert_events', '90 days')$$,
  'vigil.alert_events: the same, kept 90 days');
select tap.set_eq($$select * from test.seen where parent = 'vigil.delivery_attempts'$$,
  $$select * from test.expected_builtin('delivery_attempts', '30 days')$$,
  'vigil.delivery_attempts: the same, kept 30 days');

select tap.set_eq($$select * from test.seen where parent = 'test.system_logs'$$,
  $$select o.t, 'test.system_logs', x.name::name
      from test.times o
      cross join lateral (
        select v.name
          from (values ('system_logs_2029_10', timestamp '2029-11-01'), ('system_logs_2029_11', timestamp '2029-12-01'),
                       ('system_logs_2029_12', timestamp '2030-01-01')) v(name, upper)
         where v.upper > pg_catalog.timezone('UTC', o.t) - interval '90 days'
        union all
        select 'system_logs_p' || pg_catalog.to_char(m, 'YYYYMM')
          from pg_catalog.generate_series(timestamp '2030-01-01',
                 pg_catalog.date_trunc('month', pg_catalog.timezone('UTC', o.t)) + interval '4 months', interval '1 month') m) x$$,
  'test.system_logs (month, 90 days): the DBA''s own partitions expire on time, and the current month and 4 ahead always exist');

-- The edges, spelled out.
select tap.ok(
  exists (select from test.seen where t = '2030-01-16 00:00+00'::timestamptz - interval '1 microsecond' and partition = 'samples_p20300101')
  and not exists (select from test.seen where t = '2030-01-16 00:00+00' and partition = 'samples_p20300101'),
  'samples_p20300101 (upper bound 2030-01-02) is kept at 2030-01-15 23:59:59.999999 and dropped at 2030-01-16 00:00, 14 days after its upper bound');
select tap.set_eq(
  $$select t, action, partition from test.done where parent = 'test.system_logs' and action = 'detached'$$,
  $$values ('2030-01-30 00:00+00'::timestamptz, 'detached', 'test.system_logs_2029_10'),
           ('2030-03-01 00:00+00'::timestamptz, 'detached', 'test.system_logs_2029_11'),
           ('2030-04-01 00:00+00'::timestamptz, 'detached', 'test.system_logs_2029_12')$$,
  'each DBA month is detached at its upper bound + 90 days, by the midnight rotation and not the one a microsecond before');
select tap.is(
  (select pg_catalog.count(*)::int from test.done where parent like 'vigil.%' and action = 'dropped'),
  (99 - 14) * 2 + (99 - 90) + (99 - 30),
  'pgvigil''s sets dropped 85 + 85 + 9 + 69 daily partitions, each once');
select tap.is_empty($$select * from test.done where action not in ('created', 'dropped', 'detached')$$,
  'nothing was skipped or failed');
select tap.is_empty($$select parent, last_error from vigil.partition_sets where last_error is not null
                      or last_rotated_at is distinct from '2030-04-10 00:00+00'$$,
  'every set records the last rotation, without error');

-- Detached: tables of their own, with their rows, listed for the DBA.
select tap.is(
  (select pg_catalog.count(*)::int from test.system_logs_2029_10) + (select pg_catalog.count(*)::int from test.system_logs_2029_11)
    + (select pg_catalog.count(*)::int from test.system_logs_2029_12),
  92 * 24, 'the detached partitions still hold all 2,208 rows');
select tap.is(
  (select pg_catalog.count(*)::int from test.system_logs where created_at < '2030-01-01 00:00+00'), 0,
  '... which the partitioned table no longer shows');
select tap.set_eq(
  $$select table_name, detached_from, detached_at from vigil.detached_partitions where detached_from = 'test.system_logs'$$,
  $$values ('test.system_logs_2029_10', 'test.system_logs', '2030-01-30 00:00+00'::timestamptz),
           ('test.system_logs_2029_11', 'test.system_logs', '2030-03-01 00:00+00'::timestamptz),
           ('test.system_logs_2029_12', 'test.system_logs', '2030-04-01 00:00+00'::timestamptz)$$,
  'vigil.detached_partitions lists them, with where they came from and when');
select tap.alike(
  pg_catalog.obj_description('test.system_logs_2029_10'::regclass, 'pg_class'),
  'pgvigil: detached from test.system_logs at 2030-01-30 00:00:00+00 by retention (90 days); it held created_at from 2029-10-01 00:00:00+00 to 2029-11-01 00:00:00+00.%',
  'a detached table says where it came from, when, and the range it held');

-- Dropped means dropped; the default partitions stayed empty.
select tap.is((select pg_catalog.count(*)::int from vigil.samples), 0,
  'the samples of the first day went with its partition');
select tap.is_empty(
  $$select 'vigil.samples_default' from vigil.samples_default union all select 'vigil.check_runs_default' from vigil.check_runs_default
    union all select 'test.system_logs_default' from test.system_logs_default$$,
  'no row went to a default partition');

select tap.is_empty($$select * from vigil.rotate_partitions('2030-04-10 00:00+00')$$,
  'a second rotation at the same p_now does nothing (idempotent)');

select * from tap.finish();
rollback;
