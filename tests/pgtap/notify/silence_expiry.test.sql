-- Silences (Alertmanager-shaped): a silence holds back the alerts it
-- matches until it ends; one that ends by time and one expired early with
-- vigil.expire_silence both let their alert out at the next tick, and each
-- counts what it held back.
begin;
select tap.plan(4);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'd', p_function => 'test.feed_check', p_warning => 80);
  perform vigil.add_check(p_name => 'e', p_function => 'test.feed_check', p_warning => 80);
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_route('all', 'chat', p_group_wait => '0');
  perform vigil.silence(array['check=d'], p_starts_at => test.t(0), p_ends_at => test.t(4), p_comment => 'known: vacuum running');
  perform vigil.silence(array['check=e'], p_starts_at => test.t(0), p_ends_at => test.t(100), p_comment => 'until the fix ships');
  perform test.set('d', 'q', 85);
  perform test.set('e', 'r', 85);
  perform test.ticks(0, 1);
end $$;
select tap.is_empty($$select * from test.outbox()$$, 'minutes 0-1: both alerts fire inside their silences: nothing goes out');

do $$ begin
  perform vigil.expire_silence((select id from vigil.silences where comment = 'until the fix ships'), test.t(2));
  perform test.ticks(2, 5);
end $$;
select tap.results_eq($$select * from test.outbox()$$,
  $$values (2, 'chat', 'alerts', 'firing', 'r:firing'), (4, 'chat', 'alerts', 'firing', 'q:firing')$$,
  'the silence expired at minute 2 lets r out at 2; the one ending at minute 4 lets q out at 4');
select tap.results_eq($$select comment, suppressed_count from vigil.silences order by id$$,
  $$values ('known: vacuum running', 1::bigint), ('until the fix ships', 1::bigint)$$,
  'each silence counted the alert it held back');
select tap.results_eq(
  $$select e.check_name, (pg_catalog.date_part('epoch', e.at - test.t(0)) / 60)::int, e.event from vigil.alert_events e
     where e.event in ('suppressed', 'unsuppressed') order by e.check_name, e.id$$,
  $$values ('d', 0, 'suppressed'), ('d', 4, 'unsuppressed'), ('e', 0, 'suppressed'), ('e', 2, 'unsuppressed')$$,
  'suppressed and unsuppressed events on each alert');

select * from tap.finish();
rollback;
