-- A storm: 1,000 alerts fire in one tick, from three checks, on one route
-- grouped by check. They make three notifications (one per group), not
-- 1,000, and every alert is in one of them.
begin;
select tap.plan(3);
\ir fixtures.sql

create function test.many(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$
  select 'table_' || g, 95::double precision, '{}'::jsonb, null::jsonb
    from pg_catalog.generate_series(1, (p_params ->> 'n')::integer) g $$;

do $$ begin
  perform vigil.add_check(p_name => 'bloat', p_function => 'test.many', p_params => '{"n": 500}', p_warning => 80);
  perform vigil.add_check(p_name => 'dead_tuples', p_function => 'test.many', p_params => '{"n": 300}', p_warning => 80);
  perform vigil.add_check(p_name => 'stale_stats', p_function => 'test.many', p_params => '{"n": 200}', p_warning => 80);
  perform vigil.add_channel('chat', 'slack', 'env:SLACK_URL');
  perform vigil.add_route('all', 'chat');
  perform test.ticks(0, 3);
end $$;
select tap.is((select pg_catalog.count(*)::int from vigil.alert_state where state = 'firing'), 1000, '1,000 alerts are firing');
select tap.results_eq(
  $$select o.payload -> 'groupLabels' ->> 'check', pg_catalog.jsonb_array_length(o.payload -> 'alerts'), o.created_at
      from vigil.outbox o order by 1$$,
  $$values ('bloat', 500, test.t(1)), ('dead_tuples', 300, test.t(1)), ('stale_stats', 200, test.t(1))$$,
  'they make three notifications, one per check, after group_wait');
select tap.is((select pg_catalog.count(distinct a ->> 'fingerprint')::int from vigil.outbox o, pg_catalog.jsonb_array_elements(o.payload -> 'alerts') a),
  1000, 'every alert is in one of them');

select * from tap.finish();
rollback;
