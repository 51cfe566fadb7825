-- What is active, and what suppresses one alert: vigil._active_suppressions_at(p_at)
-- lists every window, silence and known issue active at p_at with when it
-- stops (pending, expired, ended and out-of-occurrence ones are left out);
-- vigil._suppression_for(labels, text, p_at) picks at most one of them for
-- an alert: a maintenance window before a silence before a known issue, and
-- within a kind the one that lasts longest. It works per row in a lateral
-- join.
begin;
select tap.plan(11);
set local timezone = 'UTC';

do $$ begin
  perform vigil.add_maintenance_window('db maintenance', array['service=db'], p_starts_at => '2026-06-01 09:00Z', p_ends_at => '2026-06-01 11:00Z');
  perform vigil.add_maintenance_window('weekend batch', array['service=db'], p_weekdays => array[6, 7], p_start_time => '00:00',
                                       p_end_time => '24:00', p_time_zone => 'UTC');  -- 2026-06-01 is a Monday
  perform vigil.silence(array['service=db'], '2026-06-01 13:00Z', 'db silence', p_starts_at => '2026-06-01 09:30Z');
  perform vigil.silence(array['check=replication_lag'], '2026-06-01 15:00Z', 'lag silence', p_starts_at => '2026-06-01 08:00Z');
  perform vigil.silence(array['service=api'], '2026-06-01 18:00Z', 'pending silence', p_starts_at => '2026-06-01 12:00Z');
  perform vigil.expire_silence(vigil.silence(array['service=api'], '2026-06-01 18:00Z', 'expired silence', p_starts_at => '2026-06-01 08:00Z'),
                               '2026-06-01 09:00Z');
  perform vigil.add_known_issue('disk', '2026-06-08 00:00Z', 'disk known', p_now => '2026-06-01 00:00Z');
  perform vigil.add_known_issue('gone', '2026-06-01 09:00Z', 'expired known issue', p_now => '2026-06-01 00:00Z');
end $$;

select tap.results_eq(
  $$select a.kind, a.title, a.matchers, a.pattern, a.until from vigil._active_suppressions_at('2026-06-01 10:00Z') a$$,
  $$values ('maintenance_window', 'db maintenance', '[{"name": "service", "op": "=", "value": "db"}]'::jsonb, null::text, '2026-06-01 11:00Z'::timestamptz),
           ('silence', 'db silence', '[{"name": "service", "op": "=", "value": "db"}]'::jsonb, null, '2026-06-01 13:00Z'),
           ('silence', 'lag silence', '[{"name": "check", "op": "=", "value": "replication_lag"}]'::jsonb, null, '2026-06-01 15:00Z'),
           ('known_issue', 'disk known', null::jsonb, 'disk', '2026-06-08 00:00Z')$$,
  '_active_suppressions_at lists what is active at p_at: windows, silences, known issues, each with until');
select tap.results_eq(
  $$select a.kind, a.title, a.until from vigil._active_suppressions_at('2026-06-06 10:00Z') a$$,
  $$values ('maintenance_window', 'weekend batch', '2026-06-07 00:00Z'::timestamptz),
           ('known_issue', 'disk known', '2026-06-08 00:00Z')$$,
  '... on a Saturday the recurring window is active until the end of its occurrence');

select tap.results_eq(
  $$select kind, title from vigil._suppression_for('{"service": "db", "check": "replication_lag"}', 'disk full', '2026-06-01 10:00Z')$$,
  $$values ('maintenance_window', 'db maintenance')$$,
  'a maintenance window comes before a silence and a known issue');
select tap.results_eq(
  $$select kind, title from vigil._suppression_for('{"service": "api", "check": "replication_lag"}', 'disk full', '2026-06-01 10:00Z')$$,
  $$values ('silence', 'lag silence')$$,
  'a silence comes before a known issue');
select tap.results_eq(
  $$select kind, title, until from vigil._suppression_for('{"service": "db", "check": "replication_lag"}', null, '2026-06-01 11:30Z')$$,
  $$values ('silence', 'lag silence', '2026-06-01 15:00Z'::timestamptz)$$,
  'of two matching silences the one that lasts longer is chosen');
select tap.results_eq(
  $$select kind, title from vigil._suppression_for('{"service": "api"}', 'Disk almost full', '2026-06-01 10:00Z')$$,
  $$values ('known_issue', 'disk known')$$,
  'a known issue suppresses what no window or silence covers');
select tap.ok(not exists (select from vigil._suppression_for('{"service": "api"}', 'all fine', '2026-06-01 10:00Z')),
  'nothing suppresses an alert nothing matches');
select tap.ok(not exists (select from vigil._suppression_for('{"service": "api"}', 'gone', '2026-06-01 10:00Z')),
  'an expired silence and an expired known issue suppress nothing');
select tap.results_eq(
  $$select kind, title from vigil._suppression_for('{"service": "api"}', null, '2026-06-01 12:00Z')$$,
  $$values ('silence', 'pending silence')$$,
  'a pending silence suppresses once it starts');

select tap.results_eq(
  $$select n.alert, s.kind, s.title
      from (values (1, '{"service": "db"}'::jsonb, 'x'), (2, '{"service": "web"}', 'x'),
                   (3, '{"service": "web"}', 'DISK'), (4, '{"check": "replication_lag"}', null)) n(alert, labels, text)
      left join lateral vigil._suppression_for(n.labels, n.text, '2026-06-01 12:30Z') s on true
     order by n.alert$$,
  $$values (1, 'silence', 'db silence'), (2, null, null), (3, 'known_issue', 'disk known'), (4, 'silence', 'lag silence')$$,
  'one row per alert in a lateral join, none where nothing suppresses');
select tap.is(
  (select pg_catalog.count(*)::int from vigil._suppression_for('{"service": "db", "check": "replication_lag"}', 'disk', '2026-06-01 10:00Z')),
  1, 'at most one suppression per alert, however many match');

select * from tap.finish();
rollback;
