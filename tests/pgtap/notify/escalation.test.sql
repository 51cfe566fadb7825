-- Escalation (docs/notifications.md, "Escalation") with three steps: pager
-- at once, lead 5 minutes later, cto 10 minutes after that. The alert fires
-- at minute 0 and is acknowledged at minute 7, after step 2: step 3 never
-- comes. The ack times out 30 minutes later (minute 37): escalation starts
-- again from step 1.
begin;
select tap.plan(4);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_critical => 90);
  perform vigil.add_channel('pager', 'pagerduty', 'env:PD_URL');
  perform vigil.add_channel('lead', 'slack', 'env:SLACK_LEAD');
  perform vigil.add_channel('cto', 'webhook', 'https://cto.example.com/hook');
  perform vigil.add_escalation_policy('db', array['pager', 'lead', 'cto'], array['0', '5 minutes', '10 minutes']::interval[]);
  perform vigil.add_route('critical', 'pager', p_min_severity => 'critical', p_escalation_policy => 'db');
  perform test.set('c', 'a', 95);
  perform test.ticks(0, 6);
end $$;
select tap.results_eq(
  $$select (pg_catalog.date_part('epoch', created_at - test.t(0)) / 60)::int, channel, kind, (payload ->> 'step')::int
      from vigil.outbox order by id$$,
  $$values (0, 'pager', 'escalation', 1), (1, 'pager', 'alerts', null), (5, 'lead', 'escalation', 2)$$,
  'minutes 0-6: step 1 (pager) at once, the group notification after group_wait, step 2 (lead) at minute 5');

do $$ begin
  perform vigil.ack((select id from vigil.alert_state where check_name = 'c'), 'alice', 'on it', test.t(7));
  perform test.ticks(7, 36);
end $$;
select tap.is((select pg_catalog.count(*)::int from vigil.outbox where kind = 'escalation'), 2,
  'acked at minute 7: step 3 (cto, due at minute 15) never comes');

do $$ begin perform test.ticks(37, 42); end $$;
select tap.results_eq(
  $$select (pg_catalog.date_part('epoch', created_at - test.t(0)) / 60)::int, channel, (payload ->> 'step')::int
      from vigil.outbox where kind = 'escalation' order by id$$,
  $$values (0, 'pager', 1), (5, 'lead', 2), (37, 'pager', 1), (42, 'lead', 2)$$,
  'the ack times out at minute 37: escalation starts again, step 1 at 37, step 2 at 42');
select tap.results_eq(
  $$select (pg_catalog.date_part('epoch', at - test.t(0)) / 60)::int, event from vigil.alert_events
     where check_name = 'c' and event in ('escalated', 'acknowledged', 'ack_expired') order by id$$,
  $$values (0, 'escalated'), (5, 'escalated'), (7, 'acknowledged'), (37, 'ack_expired'), (37, 'escalated'), (42, 'escalated')$$,
  'each step is an escalated event on the alert, between the ack and its expiry');

select * from tap.finish();
rollback;
