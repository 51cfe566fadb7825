-- vigil.register_partitioned validates everything before it writes: the
-- table must exist and be partitioned by range on one timestamptz,
-- timestamp or date column; the interval, premake, retention and action
-- must make sense. Each refusal has an SQLSTATE, a message naming the value
-- and a HINT, and writes nothing. Registering again updates the set
-- (upsert); unregistering leaves the partitions alone; pgvigil's own sets
-- cannot be unregistered.
begin;
select tap.plan(27);

create schema test;
create table test.plain (at timestamptz not null);
create table test.by_list (kind text not null) partition by list (kind);
create table test.by_int (n integer not null) partition by range (n);
create table test.by_two (a timestamptz not null, b timestamptz not null) partition by range (a, b);
create table test.by_expr (at timestamptz not null) partition by range ((pg_catalog.date_trunc('day', at at time zone 'UTC')));
create table test.logs (id bigint, created_at timestamptz not null) partition by range (created_at);
create table test.daily (d date not null) partition by range (d);
create table test."A_long_name_for_a_partitioned_table_that_goes_on_and_on" (at timestamp not null) partition by range (at);

-- The SQLSTATE, message and HINT a statement raises.
create function test.error_of(p_sql text) returns text language plpgsql set search_path = '' as $$
declare
  v_state text; v_msg text; v_hint text;
begin
  execute p_sql;
  return 'no error';
exception when others then
  get stacked diagnostics v_state = returned_sqlstate, v_msg = message_text, v_hint = pg_exception_hint;
  return v_state || ': ' || v_msg || case when coalesce(v_hint, '') = '' then ' (NO HINT)' else '' end;
end $$;

create table test.cases (sql text, want text);
insert into test.cases values
  ($$select vigil.register_partitioned(null, 'day')$$, '22023: table name is NULL'),
  ($$select vigil.register_partitioned('logs', 'day')$$, '22023: table ''logs'' is not a schema-qualified table name'),
  ($$select vigil.register_partitioned('a.b.c', 'day')$$, '22023: table ''a.b.c'' is not a schema-qualified table name'),
  ($$select vigil.register_partitioned('test.nope', 'day')$$, '42P01: table test.nope does not exist'),
  ($$select vigil.register_partitioned('test.plain', 'day')$$, '22023: table test.plain is not partitioned'),
  ($$select vigil.register_partitioned('test.by_list', 'day')$$,
   '22023: table test.by_list is partitioned by LIST (kind), not by range on one timestamptz, timestamp or date column'),
  ($$select vigil.register_partitioned('test.by_int', 'day')$$,
   '22023: table test.by_int is partitioned by RANGE (n), not by range on one timestamptz, timestamp or date column'),
  ($$select vigil.register_partitioned('test.by_two', 'day')$$,
   '22023: table test.by_two is partitioned by RANGE (a, b), not by range on one timestamptz, timestamp or date column'),
  ($$select vigil.register_partitioned('test.by_expr', 'day')$$,
   '22023: table test.by_expr is partitioned by RANGE (date_trunc(''day''::text, (at AT TIME ZONE ''UTC''::text))), not by range on one timestamptz, timestamp or date column'),
  ($$select vigil.register_partitioned('test.logs', 'year')$$, '22023: partition interval ''year'' is not day, week or month'),
  ($$select vigil.register_partitioned('test.logs', null)$$, '22023: partition interval NULL is not day, week or month'),
  ($$select vigil.register_partitioned('test.logs', 'day', p_premake => 0)$$, '22023: premake 0 is not between 1 and 366'),
  ($$select vigil.register_partitioned('test.logs', 'day', p_premake => 367)$$, '22023: premake 367 is not between 1 and 366'),
  ($$select vigil.register_partitioned('test.logs', 'day', p_premake => null)$$, '22023: premake NULL is not between 1 and 366'),
  ($$select vigil.register_partitioned('test.logs', 'day', p_retention => '0')$$, '22023: retention 00:00:00 is not positive'),
  ($$select vigil.register_partitioned('test.logs', 'day', p_retention => '-3 days')$$, '22023: retention -3 days is not positive'),
  ($$select vigil.register_partitioned('test.logs', 'day', p_retention_action => 'truncate')$$,
   '22023: retention action ''truncate'' is not drop or detach'),
  ($$select vigil.register_partitioned('test."A_long_name_for_a_partitioned_table_that_goes_on_and_on"', 'day')$$,
   '22023: table name "A_long_name_for_a_partitioned_table_that_goes_on_and_on" is too long for its partitions'' names (55 plus _pYYYYMMDD is over 63 bytes)'),
  ($$select vigil.register_partitioned('test.logs', 'day', p_now => null)$$, '22023: p_now is NULL'),
  ($$select vigil.unregister_partitioned('test.logs')$$, 'P0002: table test.logs is not registered for partition rotation'),
  ($$select vigil.unregister_partitioned('logs')$$, '22023: table ''logs'' is not a schema-qualified table name'),
  ($$select vigil.unregister_partitioned('vigil.samples')$$,
   '22023: table vigil.samples is one of pgvigil''s own history tables and cannot be unregistered'),
  ($$select vigil.rotate_partitions(null)$$, '22023: p_now is NULL'),
  ($$select vigil.rotate_partitions(p_lock_timeout => '0')$$, '22023: lock timeout 00:00:00 is not positive');

select tap.set_eq($$select c.sql, test.error_of(c.sql) from test.cases c$$, $$select sql, want from test.cases$$,
  'each bad input is refused with its SQLSTATE, a message naming the value, and a HINT');
select tap.is_empty($$select parent from vigil.partition_sets where not builtin$$, 'none of them registered anything');
select tap.is_empty($$select c.relname from pg_catalog.pg_class c where c.relnamespace = 'test'::regnamespace and c.relispartition$$,
  '... nor made a partition');

-- A good registration: the row, with the defaults, and partitions at once.
select tap.is(
  (select row(r.parent, r.partition_interval, r.premake, r.retention, r.retention_action, r.builtin)::text
     from vigil.register_partitioned('test.logs', 'month', p_retention => '90 days', p_now => '2026-01-15 12:00+00') r),
  '(test.logs,month,4,"90 days",detach,f)',
  'register_partitioned returns the set: premake 4 and detach by default for a DBA''s table');
select tap.set_eq(
  $$select c.relname::text from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'test.logs'::regclass$$,
  $$values ('logs_p202601'), ('logs_p202602'), ('logs_p202603'), ('logs_p202604'), ('logs_p202605')$$,
  '... and makes the current month and the 4 after it');
select tap.is(
  (select row(r.partition_interval, r.premake, r.retention, r.retention_action)::text
     from vigil.register_partitioned('test.logs', 'month', p_premake => 6, p_retention => '1 year', p_retention_action => 'drop',
                                     p_now => '2026-01-15 12:00+00') r),
  '(month,6,"1 year",drop)', 'registering again updates the set');
select tap.is((select pg_catalog.count(*)::int from vigil.partition_sets where parent = 'test.logs'), 1, '... which stays one row');
select tap.is(
  (select pg_catalog.count(*)::int from pg_catalog.pg_inherits i where i.inhparent = 'test.logs'::regclass), 7,
  '... and premakes the two more months at once');
select tap.is(
  (select r.retention from vigil.register_partitioned('test.logs', 'month', p_now => '2026-01-15 12:00+00') r), null,
  'a registration without p_retention keeps everything');
select tap.is(
  (select r.parent from vigil.register_partitioned('TEST.Logs', 'month', p_now => '2026-01-15 12:00+00') r), 'test.logs',
  'names are read as SQL reads them (unquoted: lower case)');
select tap.is(
  (select r.parent || ' ' || r.retention_action
     from vigil.register_partitioned('test."A_long_name_for_a_partitioned_table_that_goes_on_and_on"', 'month',
                                     p_now => '2026-01-15 12:00+00') r),
  'test."A_long_name_for_a_partitioned_table_that_goes_on_and_on" detach',
  'a name that fits with _pYYYYMM (monthly) is accepted, and stored quoted');

-- pgvigil's own sets: their retention can be changed (they drop by default), not unregistered.
select tap.is(
  (select r.retention || ' ' || r.retention_action || ' ' || r.builtin
     from vigil.register_partitioned('vigil.samples', 'day', p_retention => '30 days', p_now => '2026-01-15 12:00+00') r),
  '30 days drop true', 'pgvigil''s own set takes a new retention, keeps drop as its action and stays builtin');
select tap.is((select retention from vigil.partition_sets where parent = 'vigil.samples'), '30 days'::interval,
  '... as partition_sets shows');

-- Unregistering: the set goes, the partitions stay.
select tap.is((select r.parent from vigil.unregister_partitioned('test.logs') r), 'test.logs', 'unregister_partitioned returns the removed set');
select tap.is_empty($$select 1 from vigil.partition_sets where parent = 'test.logs'$$, '... which is gone');
select tap.is(
  (select pg_catalog.count(*)::int from pg_catalog.pg_inherits i where i.inhparent = 'test.logs'::regclass), 7,
  '... and its partitions stay as they were');
select tap.is_empty($$select * from vigil.rotate_partitions('2027-06-01 00:00+00') where parent = 'test.logs'$$,
  'rotation leaves the unregistered table alone');

-- A registered table that is dropped: rotation says so, and goes on with the others.
select tap.lives_ok($$select vigil.register_partitioned('test.daily', 'day', p_now => '2027-06-01 00:00+00')$$,
  'a table partitioned by a date column is accepted');
drop table test.daily;
select tap.set_eq(
  $$select parent, action, detail from vigil.rotate_partitions('2027-06-02 00:00+00') where action = 'failed'$$,
  $$values ('test.daily', 'failed', 'table test.daily does not exist (dropped or renamed?); unregister it with vigil.unregister_partitioned(''test.daily'')')$$,
  'a set whose table was dropped fails with the way out');
select tap.ok(
  (select pg_catalog.count(*) = 4 from vigil.partition_sets where builtin and last_rotated_at = '2027-06-02 00:00+00' and last_error is null),
  '... while the other sets were rotated');
select tap.is((select last_error from vigil.partition_sets where parent = 'test.daily'),
  'failed table test.daily does not exist (dropped or renamed?); unregister it with vigil.unregister_partitioned(''test.daily'')',
  '... and partition_sets.last_error keeps it');
select tap.lives_ok($$select vigil.unregister_partitioned('test.daily')$$, 'a dropped table can be unregistered');

-- Documentation.
select tap.is_empty(
  $$select p.oid::regprocedure::text from pg_catalog.pg_proc p
     where p.oid in ('vigil.register_partitioned(text, text, integer, interval, text, timestamptz)'::regprocedure,
                     'vigil.unregister_partitioned(text)'::regprocedure,
                     'vigil.rotate_partitions(timestamptz, interval)'::regprocedure,
                     'vigil.check_default_partitions(jsonb)'::regprocedure)
       and pg_catalog.obj_description(p.oid, 'pg_proc') is null$$,
  'the public functions have a COMMENT');
select tap.is_empty(
  $$select a.attname from pg_catalog.pg_attribute a
     where a.attrelid = 'vigil.partition_sets'::regclass and a.attnum > 0
       and a.attname not in ('created_at', 'updated_at')
       and pg_catalog.col_description(a.attrelid, a.attnum) is null$$,
  'vigil.partition_sets documents its columns');
select tap.ok(pg_catalog.obj_description('vigil.partition_sets'::regclass, 'pg_class') is not null
              and pg_catalog.obj_description('vigil.detached_partitions'::regclass, 'pg_class') is not null,
  'vigil.partition_sets and vigil.detached_partitions have a COMMENT');
select tap.set_eq(
  $$select parent, partition_interval, premake, retention, retention_action from vigil.partition_sets where builtin$$,
  $$values ('vigil.samples', 'day', 4, '30 days'::interval, 'drop'), ('vigil.check_runs', 'day', 4, '14 days', 'drop'),
           ('vigil.alert_events', 'day', 4, '90 days', 'drop'), ('vigil.delivery_attempts', 'day', 4, '30 days', 'drop')$$,
  'pgvigil''s own history tables are registered by default: daily, premake 4, dropped after 14 (check_runs), 90 (alert_events) and 30 days (delivery_attempts; samples changed above from 14)');
select tap.is(
  (select row(c.function_name, c.every, c.warning, c.critical, c.max_severity, c.enabled, c.builtin)::text
     from vigil.checks c where c.name = 'default_partitions'),
  '(vigil.check_default_partitions,00:15:00,1,,warning,t,t)',
  'the default_partitions self-check is registered: every 15 minutes, warning at 1 row');

select * from tap.finish();
rollback;
