-- requires: superuser
-- vigil.active_suppressions shows the on-call person what suppresses
-- notifications now: one row per active window, silence and known issue,
-- with its matchers written back in Alertmanager syntax, until when, who set
-- it and how much it suppressed. vigil_reader can read it (and the history
-- tables); vigil_operator manages suppressions only through the API.
begin;
select tap.plan(13);

select tap.columns_are('vigil', 'active_suppressions',
  array['kind', 'id', 'title', 'matchers', 'pattern', 'until', 'created_by', 'suppressed_count', 'last_suppressed_at', 'reason'],
  'the view has readable columns');
select tap.ok(pg_catalog.obj_description('vigil.active_suppressions'::regclass, 'pg_class') is not null,
  'the view is documented');

do $$ begin
  perform vigil.add_maintenance_window('vacuum tuning', array['service=db', 'check=~"vacuum_.*"', 'msg="say \"hi\""'],
                                       p_starts_at => pg_catalog.now() - interval '1 hour', p_ends_at => pg_catalog.now() + interval '1 hour',
                                       p_reason => 'CHG-7', p_created_by => 'alice');
  perform vigil.add_maintenance_window('everything', p_starts_at => pg_catalog.now(), p_ends_at => pg_catalog.now() + interval '2 hours',
                                       p_created_by => 'bob');
  perform vigil.add_maintenance_window('later', p_starts_at => pg_catalog.now() + interval '1 day', p_ends_at => pg_catalog.now() + interval '2 days');
  perform vigil.silence(array['check=replication_lag'], p_for => '30 minutes', p_comment => 'INC-1', p_created_by => 'carol');
  perform vigil.add_known_issue('shared memory', pg_catalog.now() + interval '7 days', 'OPS-12', p_created_by => 'dave');
end $$;
update vigil.silences set suppressed_count = 3, last_suppressed_at = pg_catalog.now() where comment = 'INC-1';

select tap.results_eq(
  $$select kind, title, matchers, pattern, until, created_by, suppressed_count, reason from vigil.active_suppressions$$,
  $$values ('maintenance_window', 'vacuum tuning', '{service="db", check=~"vacuum_.*", msg="say \"hi\""}', null::text,
            pg_catalog.now() + interval '1 hour', 'alice', 0::bigint, 'CHG-7'),
           ('maintenance_window', 'everything', '{}', null, pg_catalog.now() + interval '2 hours', 'bob', 0, null),
           ('silence', 'INC-1', '{check="replication_lag"}', null, pg_catalog.now() + interval '30 minutes', 'carol', 3, null),
           ('known_issue', 'OPS-12', null, 'shared memory', pg_catalog.now() + interval '7 days', 'dave', 0, null)$$,
  'it lists what is active now, matchers in Alertmanager syntax ({} for everything), not what starts later');
select tap.is((select last_suppressed_at from vigil.active_suppressions where kind = 'silence'), pg_catalog.now(),
  'it shows when a suppression last suppressed something');

-- vigil_reader reads; it writes nothing.
set local role vigil_reader;
select tap.is((select pg_catalog.count(*)::int from vigil.active_suppressions), 4, 'vigil_reader can read the view');
select tap.is((select pg_catalog.count(*)::int from vigil.silences), 1, 'vigil_reader can read the history of silences');
select tap.throws_ok($$select vigil.silence(array['service=db'], p_for => '1 hour', p_comment => 'x')$$,
  '42501', null, 'vigil_reader cannot silence');
reset role;

-- vigil_operator manages suppressions through the API only.
set local role vigil_operator;
select tap.lives_ok(
  $$select vigil.expire_silence(vigil.silence(array['service=api'], p_for => '1 hour', p_comment => 'deploy'), pg_catalog.now() + interval '1 minute')$$,
  'vigil_operator can silence and expire a silence');
select tap.lives_ok(
  $$select vigil.end_maintenance_window((vigil.add_maintenance_window('op window', p_ends_at => pg_catalog.now() + interval '1 hour')).id,
                                        pg_catalog.now() + interval '1 minute')$$,
  'vigil_operator can add and end a maintenance window');
select tap.lives_ok(
  $$select vigil.end_known_issue((vigil.add_known_issue('timeout', pg_catalog.now() + interval '1 day', 'x')).id,
                                 pg_catalog.now() + interval '1 minute')$$,
  'vigil_operator can add and end a known issue');
select tap.throws_ok($$insert into vigil.silences (matchers, starts_at, ends_at, created_by, comment)
                       values ('[{"name": "a", "op": "=", "value": "b"}]', pg_catalog.now(), pg_catalog.now() + interval '1 hour', 'x', 'x')$$,
  '42501', null, 'vigil_operator cannot write vigil.silences directly');
select tap.throws_ok($$update vigil.maintenance_windows set ended_at = pg_catalog.now()$$,
  '42501', null, 'vigil_operator cannot write vigil.maintenance_windows directly');
reset role;
select tap.ok(not pg_catalog.has_function_privilege('vigil_reader', 'vigil._suppression_for(jsonb, text, timestamptz)', 'execute'),
  'the helpers that decide suppression are not granted to readers');

select * from tap.finish();
rollback;
