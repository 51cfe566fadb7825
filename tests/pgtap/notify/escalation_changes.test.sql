-- Escalation works on what changed since the last step
-- (vigil.escalation_cursor, sql/functions/_escalate.sql), and still starts
-- and ends what it must when the change is not one of the notification
-- step's own: an ack or an unack while nothing else changes, an ack and an
-- unack between two ticks (nothing to do), an ack that lapses, a silence
-- that begins and ends mid-escalation, a route whose policy changes or goes,
-- and an alert that fired while nothing escalated, on a policy put back as
-- it was. The check has a flap window of 3 (and thresholds that keep
-- flapping out of the way), so that from minute 3 on evaluation does not
-- rewrite the alert rows: nothing about them changes but what the test does.
-- Policy db: pager at once, lead 5 minutes later, no repeat.
begin;
select tap.plan(15);
\ir fixtures.sql

-- The escalations as (series, policy, minute started, next step).
create function test.escalations()
returns table (series text, policy text, started integer, next_step integer)
language sql set search_path = '' as $$
  select s.series, e.policy, (pg_catalog.date_part('epoch', e.started_at - test.t(0)) / 60)::integer, e.next_step
    from vigil.escalations e
    join vigil.alert_state s on s.id = e.alert_id
   order by s.series $$;
-- The escalation steps sent from minute p_from on, as (minute, channel, series).
create function test.steps(p_from integer)
returns table (minute integer, channel text, series text)
language sql set search_path = '' as $$
  select (pg_catalog.date_part('epoch', o.created_at - test.t(0)) / 60)::integer, o.channel, o.payload -> 'alerts' -> 0 ->> 'series'
    from vigil.outbox o
   where o.kind = 'escalation' and o.created_at >= test.t(p_from)
   order by 1, 2, 3 $$;
create function test.alert(p_series text) returns bigint language sql set search_path = '' as $$
  select s.id from vigil.alert_state s where s.check_name = 'c' and s.series = p_series $$;

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_flap_window => 3,
                          p_flap_start => 100, p_flap_stop => 99, p_ack_timeout => '10 minutes');
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_channel('pager', 'pagerduty', 'env:PD_URL');
  perform vigil.add_channel('lead', 'slack', 'env:SLACK_LEAD');
  perform vigil.add_escalation_policy('db', array['pager', 'lead'], array['0', '5 minutes']::interval[]);
  perform vigil.add_escalation_policy('other', array['chat'], array['1 minute']::interval[]);
  perform vigil.add_route('all', 'chat', p_group_wait => '0', p_escalation_policy => 'db');
  perform test.set('c', 'a', 85);
  perform test.set('c', 'b', 85);
  perform test.ticks(0, 3);
end $$;
select tap.results_eq(
  $$select pg_catalog.max(s.last_eval_at), (select c.last_now from vigil.escalation_cursor c) from vigil.alert_state s$$,
  $$values (test.t(2), test.t(3))$$,
  'a and b fire at minute 0; from minute 2 on their rows are not rewritten; the escalation cursor is at minute 3');

-- An ack, and nothing else changes: the escalation ends at the next tick.
do $$ begin
  perform vigil.ack(test.alert('a'), 'alice', 'on it', test.t(3) + interval '30 seconds');
  perform test.tick(4);
end $$;
select tap.results_eq($$select * from test.escalations()$$, $$values ('b', 'db', 0, 2)$$,
  'a acked at 3:30: its escalation is gone at minute 4; b escalates on');
do $$ begin perform test.tick(5); end $$;
select tap.results_eq($$select * from test.steps(0)$$,
  $$values (0, 'pager', 'a'), (0, 'pager', 'b'), (5, 'lead', 'b')$$,
  'step 2 (lead) at minute 5 for b only');

-- An unack: escalation starts again from step 1 at the next tick.
do $$ begin
  perform test.tick(6);
  perform vigil.unack(test.alert('a'), 'alice', test.t(6) + interval '30 seconds');
  perform test.tick(7);
end $$;
select tap.results_eq($$select * from test.escalations()$$, $$values ('a', 'db', 7, 2), ('b', 'db', 0, 1)$$,
  'a unacked at 6:30: re-armed at minute 7 (pager at once, next the lead); b''s ladder is spent');
select tap.results_eq($$select * from test.steps(6)$$, $$values (7, 'pager', 'a')$$, 'step 1 (pager) for a at minute 7');

-- An ack and an unack between two ticks: nothing to do, a's escalation goes on.
do $$ begin
  perform test.tick(8);
  perform vigil.ack(test.alert('a'), 'alice', null, test.t(8) + interval '20 seconds');
  perform vigil.unack(test.alert('a'), 'alice', test.t(8) + interval '40 seconds');
  perform test.ticks(9, 12);
end $$;
select tap.results_eq($$select * from test.steps(8)$$, $$values (12, 'lead', 'a')$$,
  'acked and unacked between minutes 8 and 9: the escalation that began at 7 goes on, the lead at 12');

-- A silence begins mid-escalation (a, at 12:30 until 15): the escalation
-- ends; once the silence is over it starts again.
do $$ begin
  perform vigil.silence(array['check=c', 'series=a'], p_starts_at => test.t(12) + interval '30 seconds',
                        p_ends_at => test.t(15), p_comment => 'looking into a');
  perform test.tick(13);
end $$;
select tap.results_eq($$select series from test.escalations()$$, $$values ('b')$$,
  'a silenced at 12:30: its escalation is gone at minute 13');
do $$ begin perform test.ticks(14, 15); end $$;
select tap.results_eq($$select * from test.escalations()$$, $$values ('a', 'db', 15, 2), ('b', 'db', 0, 1)$$,
  'the silence over at minute 15: a re-armed at 15');

-- An ack that lapses (ack_timeout 10 minutes): b acked at 15:30, re-armed
-- when the ack expires, at the evaluation of minute 26.
do $$ begin
  perform vigil.ack(test.alert('b'), 'bob', null, test.t(15) + interval '30 seconds');
  perform test.ticks(16, 25);
end $$;
select tap.results_eq($$select series from test.escalations()$$, $$values ('a')$$, 'b acked at 15:30: no escalation through minute 25');
do $$ begin perform test.tick(26); end $$;
select tap.results_eq($$select * from test.escalations()$$, $$values ('a', 'db', 15, 1), ('b', 'db', 26, 2)$$,
  'b''s ack lapses at minute 26: re-armed at 26');

-- The route's policy changes: both start again on the new policy; then it
-- goes: no escalation.
do $$ begin
  update vigil.routes set escalation_policy = 'other' where name = 'all';
  perform test.ticks(27, 28);
end $$;
select tap.results_eq($$select * from test.steps(27)$$, $$values (28, 'chat', 'a'), (28, 'chat', 'b')$$,
  'policy changed to other at minute 27: both start again on it (chat a minute later)');
do $$ begin
  update vigil.routes set escalation_policy = null where name = 'all';
  perform test.tick(29);
end $$;
select tap.is_empty($$select * from test.escalations()$$, 'policy removed at minute 29: no escalation left');

-- An alert that fires while nothing escalates (no policy, no escalation:
-- the notification step does not call escalation at all), then the policy
-- put back as it was: the new alert escalates.
do $$ begin
  update vigil.routes set escalation_policy = 'other' where name = 'all';
  perform test.tick(30);
  perform vigil.ack(test.alert('a'), 'alice', null, test.t(30) + interval '30 seconds');
  perform vigil.ack(test.alert('b'), 'bob', null, test.t(30) + interval '30 seconds');
  perform test.tick(31);
  update vigil.routes set escalation_policy = null where name = 'all';
  perform test.tick(32);
  perform test.set('c', 'n', 85);
  perform test.tick(33);
  update vigil.routes set escalation_policy = 'other' where name = 'all';
  perform test.tick(34);
end $$;
select tap.results_eq($$select * from test.escalations()$$, $$values ('n', 'other', 34, 1)$$,
  'n fired at minute 33 while nothing escalated; the policy back at 34: n escalates, a and b (acked) do not');

-- A resolve ends it.
do $$ begin
  perform test.set('c', 'n', 50);
  perform test.tick(35);
end $$;
select tap.is_empty($$select * from test.escalations()$$, 'n resolved at minute 35: its escalation is gone');
select tap.is_empty(
  $$select e.series, e.minute from (select s.series, (pg_catalog.date_part('epoch', x.at - test.t(0)) / 60)::integer as minute
                                      from vigil.alert_events x join vigil.alert_state s on s.id = x.alert_id
                                     where x.event = 'escalated') e
     except
     select series, minute from test.steps(0)$$,
  'every escalated event has its outbox row');

select * from tap.finish();
rollback;
