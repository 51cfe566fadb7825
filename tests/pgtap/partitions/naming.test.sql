-- Predictable partitions: <table>_pYYYYMMDD for days and weeks (weeks start
-- on Monday), <table>_pYYYYMM for months; UTC periods for timestamptz keys
-- whatever the session's TimeZone and DateStyle; timestamp and date keys
-- too. A period partly covered by a DBA's own partition gets a partition
-- for the rest; a name taken by another table is skipped with the reason.
begin;
select tap.plan(14);

create schema test;
create table test.tz  (at timestamptz not null) partition by range (at);
create table test.wk  (d date not null) partition by range (d);
create table test.mon (t timestamp not null) partition by range (t);
create table test.half (at timestamptz not null) partition by range (at);
create table test.half_first (like test.half);
alter table test.half attach partition test.half_first for values from ('2026-01-01 00:00+00') to ('2026-01-15 00:00+00');
create table test.taken (at timestamptz not null) partition by range (at);
create table test.taken_p20260302 (x int);  -- not a partition, has the name

-- Every partition of a table with its bounds, read in UTC and ISO.
create function test.parts(p_table regclass) returns table (name text, bounds text)
language plpgsql set search_path = '' set timezone = 'UTC' set datestyle = 'ISO, YMD' as $$
begin
  return query
  select c.relname::text, pg_catalog.pg_get_expr(c.relpartbound, c.oid)
    from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
   where i.inhparent = p_table;
end $$;

-- A session far from UTC, with a day-first DateStyle.
set local timezone = 'Pacific/Auckland';
set local datestyle = 'SQL, DMY';

do $$
begin
  -- 2026-03-02 09:30 in Auckland is 2026-03-01 20:30 UTC (a Sunday).
  perform vigil.register_partitioned('test.tz', 'day', p_premake => 2, p_now => '2026-03-02 09:30+13');
  perform vigil.register_partitioned('test.wk', 'week', p_premake => 2, p_now => '2026-03-01 20:30+00');
  perform vigil.register_partitioned('test.mon', 'month', p_premake => 3, p_now => '2026-11-30 23:00+00');
  perform vigil.register_partitioned('test.half', 'month', p_premake => 1, p_now => '2026-01-20 00:00+00');
end $$;

select tap.set_eq($$select * from test.parts('test.tz')$$,
  $$values ('tz_p20260301', 'FOR VALUES FROM (''2026-03-01 00:00:00+00'') TO (''2026-03-02 00:00:00+00'')'),
           ('tz_p20260302', 'FOR VALUES FROM (''2026-03-02 00:00:00+00'') TO (''2026-03-03 00:00:00+00'')'),
           ('tz_p20260303', 'FOR VALUES FROM (''2026-03-03 00:00:00+00'') TO (''2026-03-04 00:00:00+00'')')$$,
  'day, timestamptz: UTC days named pYYYYMMDD, the one holding p_now (in UTC, not the session''s zone) and premake 2 after it');
select tap.set_eq($$select * from test.parts('test.wk')$$,
  $$values ('wk_p20260223', 'FOR VALUES FROM (''2026-02-23'') TO (''2026-03-02'')'),
           ('wk_p20260302', 'FOR VALUES FROM (''2026-03-02'') TO (''2026-03-09'')'),
           ('wk_p20260309', 'FOR VALUES FROM (''2026-03-09'') TO (''2026-03-16'')')$$,
  'week, date: Monday to Monday, named after the Monday (a Sunday belongs to the week before)');
select tap.set_eq($$select * from test.parts('test.mon')$$,
  $$values ('mon_p202611', 'FOR VALUES FROM (''2026-11-01 00:00:00'') TO (''2026-12-01 00:00:00'')'),
           ('mon_p202612', 'FOR VALUES FROM (''2026-12-01 00:00:00'') TO (''2027-01-01 00:00:00'')'),
           ('mon_p202701', 'FOR VALUES FROM (''2027-01-01 00:00:00'') TO (''2027-02-01 00:00:00'')'),
           ('mon_p202702', 'FOR VALUES FROM (''2027-02-01 00:00:00'') TO (''2027-03-01 00:00:00'')')$$,
  'month, timestamp: the 1st to the 1st, named pYYYYMM, across the new year');
select tap.set_eq($$select * from test.parts('test.half')$$,
  $$values ('half_first', 'FOR VALUES FROM (''2026-01-01 00:00:00+00'') TO (''2026-01-15 00:00:00+00'')'),
           ('half_p202601', 'FOR VALUES FROM (''2026-01-15 00:00:00+00'') TO (''2026-02-01 00:00:00+00'')'),
           ('half_p202602', 'FOR VALUES FROM (''2026-02-01 00:00:00+00'') TO (''2026-03-01 00:00:00+00'')')$$,
  'a month partly covered by the DBA''s own partition gets a partition for the rest of it');
select tap.is(pg_catalog.obj_description('test.tz_p20260301'::regclass, 'pg_class'),
  'Daily partition of test.tz for 2026-03-01 (UTC), made by pgvigil.', 'a made partition says what it is');
select tap.is(pg_catalog.obj_description('test.wk_p20260302'::regclass, 'pg_class'),
  'Weekly partition of test.wk for the week of 2026-03-02, made by pgvigil.', '... for a week');
select tap.is(pg_catalog.obj_description('test.half_p202601'::regclass, 'pg_class'),
  'Monthly partition of test.half for 2026-01-15 00:00:00+00 to 2026-02-01 00:00:00+00 (UTC), made by pgvigil.',
  '... and for part of a month');

select tap.is_empty($$select * from vigil.rotate_partitions('2026-03-01 20:30+00') where parent in ('test.tz', 'test.wk')$$,
  'a rotation at the same time finds everything in place, reading the bounds back under this DateStyle');
select tap.set_eq(
  $$select parent, action, partition, detail from vigil.rotate_partitions('2026-03-02 00:00+00') where parent in ('test.tz', 'test.wk')$$,
  $$values ('test.tz', 'created', 'test.tz_p20260304', 'for 2026-03-04 00:00:00+00 to 2026-03-05 00:00:00+00'),
           ('test.wk', 'created', 'test.wk_p20260316', 'for 2026-03-16 to 2026-03-23')$$,
  'at the next UTC midnight (a Monday) one more day and one more week are made; rotate_partitions says which');

do $$
begin
  perform vigil.register_partitioned('test.taken', 'day', p_premake => 1, p_now => '2026-03-01 12:00+00');
end $$;
select tap.set_eq($$select name from test.parts('test.taken')$$, $$values ('taken_p20260301')$$,
  'a period whose name is taken by another table is not made');
select tap.set_eq(
  $$select action, partition, detail from vigil.rotate_partitions('2026-03-01 12:00+00') where parent = 'test.taken'$$,
  $$values ('skipped', 'test.taken_p20260302', 'a table test.taken_p20260302 exists already and is not a partition of test.taken for 2026-03-02 00:00:00+00 to 2026-03-03 00:00:00+00; rename it, or make the partition by hand')$$,
  '... and rotation says why');

-- Expiry reads the bounds the same way: a day kept 1 day goes at its end + 1 day, in UTC.
do $$ begin perform vigil.register_partitioned('test.tz', 'day', p_premake => 2, p_retention => '1 day', p_retention_action => 'drop',
                                                   p_now => '2026-03-02 00:00+00'); end $$;
select tap.is_empty(
  $$select * from vigil.rotate_partitions('2026-03-03 00:00+00'::timestamptz - interval '1 microsecond') where parent = 'test.tz' and action = 'dropped'$$,
  'a day kept 1 day is still there a microsecond before its end + 1 day');
select tap.set_eq(
  $$select action, partition, detail from vigil.rotate_partitions('2026-03-03 00:00+00') where parent = 'test.tz' and action = 'dropped'$$,
  $$values ('dropped', 'test.tz_p20260301', 'held 2026-03-01 00:00:00+00 to 2026-03-02 00:00:00+00; expired at 2026-03-03 00:00:00 UTC (upper bound + 1 day)')$$,
  '... and dropped at it, whatever the session''s TimeZone');
select tap.ok(pg_catalog.to_regclass('test.tz_p20260301') is null, '... for good');

select * from tap.finish();
rollback;
