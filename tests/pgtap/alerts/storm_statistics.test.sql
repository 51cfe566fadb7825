-- A storm must not meet a plan made for an empty alert_state: the
-- evaluation's cached plan (plan_cache_mode = force_generic_plan) keeps the
-- size the table had when it was made, and one made for an empty table
-- drives the update and delete from a scan of the whole table, quadratic
-- once a storm has filled it (10 checks of 1,000 new alerts: 27 s instead
-- of 0.7 s). So an evaluation that finds alert_state grown past twice what
-- its statistics know analyzes it, which also replans.
begin;
select tap.plan(3);
\ir fixtures.sql

create function test.storm(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$
  select 's' || g, 95::double precision, '{}'::jsonb, null::jsonb from pg_catalog.generate_series(1, 1000) g $$;

do $$ begin
  delete from vigil.checks;
  perform vigil.add_check(p_name => 'storm_' || g, p_function => 'test.storm', p_warning => 80, p_critical => 90)
     from pg_catalog.generate_series(1, 3) g;
end $$;
-- The statistics of an empty table, as after autovacuum saw it quiet.
delete from vigil.alert_state;
analyze vigil.alert_state;
select tap.is((select c.reltuples from pg_catalog.pg_class c where c.oid = 'vigil.alert_state'::regclass), 0::real,
  'the statistics say alert_state is empty');

do $$ begin perform test.tick(0); end $$;
select tap.is((select pg_catalog.count(*)::int from vigil.alert_state where state = 'firing'), 3000, 'the storm fired 3,000 alerts');
select tap.cmp_ok((select c.reltuples from pg_catalog.pg_class c where c.oid = 'vigil.alert_state'::regclass), '>=', 1000::real,
  'and the evaluation brought the statistics up to date on the way');

select * from tap.finish();
rollback;
