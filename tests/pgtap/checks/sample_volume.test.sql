-- The volume rule: one aggregate row per run, plus rows only for breaching
-- series, or for every series with keep_series.
begin;
select tap.plan(8);

create schema test;
-- 1,000 series valued 1..1000.
create function test.many(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$
  select 's' || g, g::double precision, pg_catalog.jsonb_build_object('n', g::text), null::jsonb
    from pg_catalog.generate_series(1, 1000) g
$$;

delete from vigil.checks;
do $$ begin perform vigil.add_check(p_name => 'many', p_function => 'test.many', p_warning => 998, p_critical => 1000); end $$;
do $$ begin perform vigil.run_check('many', '2026-03-10 12:00:00+00'); end $$;

select tap.is((select pg_catalog.count(*)::int from vigil.samples where check_name = 'many'), 4,
  '1,000 series with 3 breaching write 4 rows: the aggregate and the 3 breaching series');
select tap.is((select value from vigil.samples where check_name = 'many' and series = '*'), 1000::double precision,
  'the aggregate carries the worst value');
select tap.is((select detail from vigil.samples where check_name = 'many' and series = '*'),
  '{"series": 1000, "warning": 3, "critical": 1}'::jsonb, '... and the counts');
select tap.is((select series_count || '/' || breaching from vigil.check_runs where check_name = 'many'), '1000/3',
  'the run records series and breaching counts');

do $$ begin perform vigil.add_check(p_name => 'many_below', p_function => 'test.many', p_direction => 'below', p_warning => 2, p_critical => 1); end $$;
do $$ begin perform vigil.run_check('many_below', '2026-03-10 12:00:00+00'); end $$;
select tap.set_eq($$select series from vigil.samples where check_name = 'many_below'$$, $$values ('*'), ('s1'), ('s2')$$,
  'direction below: the lowest values breach, and the aggregate is the minimum');

do $$ begin perform vigil.add_check(p_name => 'many_kept', p_function => 'test.many', p_keep_series => true); end $$;
do $$ begin perform vigil.run_check('many_kept', '2026-03-10 12:00:00+00'); end $$;
select tap.is((select pg_catalog.count(*)::int from vigil.samples where check_name = 'many_kept'), 1001,
  'keep_series writes every series (for baselines and graphs)');

create function test.notes(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$
  select 'n' || g, null::double precision, '{}'::jsonb, '{"note": "could not see"}'::jsonb
    from pg_catalog.generate_series(1, 50) g
$$;
do $$ begin perform vigil.add_check(p_name => 'notes', p_function => 'test.notes', p_warning => 1); end $$;
do $$ begin perform vigil.run_check('notes', '2026-03-10 12:00:00+00'); end $$;
select tap.is((select pg_catalog.count(*)::int from vigil.samples where check_name = 'notes' and series <> '*'), 10,
  'notes (null value, detail set) are kept, at most 10 a run');

select tap.is((select pg_catalog.count(*)::int from vigil.samples_default), 0,
  'samples land in the daily partition, not the default one');

select * from tap.finish();
rollback;
