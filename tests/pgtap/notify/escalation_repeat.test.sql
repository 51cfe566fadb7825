-- An escalation policy runs its ladder again `repeat` more times, then
-- stops: two steps (pager at once, lead 5 minutes later), repeat 1, for an
-- alert nobody acknowledges. A step whose delay has passed is taken at the
-- next tick (ticks are a minute apart).
begin;
select tap.plan(2);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_ack_timeout => null);
  perform vigil.add_channel('pager', 'pagerduty', 'env:PD_URL');
  perform vigil.add_channel('lead', 'slack', 'env:SLACK_LEAD');
  perform vigil.add_escalation_policy('db', array['pager', 'lead'], array['0', '5 minutes']::interval[], p_repeat => 1);
  perform vigil.add_route('all', 'pager', p_escalation_policy => 'db');
  perform test.set('c', 'a', 85);
  perform test.ticks(0, 30);
end $$;
select tap.results_eq(
  $$select (pg_catalog.date_part('epoch', created_at - test.t(0)) / 60)::int, channel, (payload ->> 'loop')::int, (payload ->> 'step')::int
      from vigil.outbox where kind = 'escalation' order by id$$,
  $$values (0, 'pager', 0, 1), (5, 'lead', 0, 2), (6, 'pager', 1, 1), (11, 'lead', 1, 2)$$,
  'the ladder twice (repeat 1), then no more through minute 30');
select tap.results_eq($$select next_at from vigil.escalations$$, $$values ('infinity'::timestamptz)$$,
  'the escalation is spent, and stays so while the alert fires');

select * from tap.finish();
rollback;
