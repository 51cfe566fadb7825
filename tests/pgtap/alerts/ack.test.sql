-- Acknowledgement (docs/alert-state.md, "Acknowledgement"):
--   vigil.ack on a firing alert stores acked_at = p_now, acked_by,
--   ack_comment and ack_expires_at = p_now + ack_timeout, with an
--   acknowledged event at p_now; vigil.unack clears all four, with an
--   unacknowledged event; an ack whose ack_expires_at <= p_now is cleared at
--   the first evaluation at or after that time while the alert still fires
--   (event ack_expired), not before; when the alert resolves its ack is
--   cleared without an event; acking a resolved alert is 55000 and an
--   unknown id P0002. A pending alert can be acked too. ack_timeout null: the
--   ack never lapses (ack_expires_at null). Within one run ack_expired comes
--   after the state event.
-- Events not written by an evaluation (acknowledged, unacknowledged) are
-- taken to carry at = the p_now given to ack/unack.
--
-- Evaluations go through vigil.tick (fixtures.sql): one tick per replayed
-- minute runs every check of this file.
--
-- Flapping events are left out of the event lists (flapping.test.sql).
begin;
select tap.plan(18);
\ir fixtures.sql

create table test.feed (check_name text, series text, value double precision, primary key (check_name, series));
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$
  select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f where f.check_name = p_params->>'_check' $$;
create function test.id(p_check text) returns bigint language sql stable set search_path = ''
  as $$ select s.id from vigil.alert_state s where s.check_name = p_check and s.series = 'a' $$;
create function test.ack_of(p_check text)
returns table (acked_at timestamptz, acked_by text, ack_comment text, ack_expires_at timestamptz)
language sql stable set search_path = '' as $$
  select s.acked_at, s.acked_by, s.ack_comment, s.ack_expires_at from vigil.alert_state s
   where s.check_name = p_check and s.series = 'a' $$;
create function test.events(p_check text) returns table (at timestamptz, event text, alert_id bigint)
language sql set search_path = '' as $$
  select e.at, e.event, e.alert_id from vigil.alert_events e
   where e.check_name = p_check and e.event not in ('flapping_started', 'flapping_stopped')
   order by e.id $$;

delete from vigil.checks;  -- only this file's checks
do $$
begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_ack_timeout => '30 minutes');
  perform vigil.add_check(p_name => 'c_pending', p_function => 'test.feed_check', p_warning => 80, p_for => '1 hour');
  perform vigil.add_check(p_name => 'c_forever', p_function => 'test.feed_check', p_warning => 80, p_ack_timeout => null);
  perform vigil.add_check(p_name => 'c_order', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                          p_ack_timeout => '1 minute');
end $$;
insert into test.feed values ('c', 'a', 85), ('c_pending', 'a', 85), ('c_forever', 'a', 85), ('c_order', 'a', 85);

do $$ begin perform test.tick(0); end $$;
-- c_order: acked at 12:00 for 1 minute; at 12:01 the ack expires in the run
-- that also changes the severity.
do $$ begin perform vigil.ack(test.id('c_order'), 'hal', null, test.t(0)); end $$;
update test.feed set value = 95 where check_name = 'c_order';
do $$ begin perform vigil.ack(test.id('c'), 'alice', 'looking into it', test.t(1)); end $$;
select tap.results_eq($$select * from test.ack_of('c')$$,
  $$values (test.t(1), 'alice', 'looking into it', test.t(31))$$,
  'ack at 12:01: acked_at, acked_by, ack_comment stored; expires at 12:01 + 30 minutes');
do $$ begin perform test.tick(1); end $$;
select tap.results_eq($$select acked_by from test.ack_of('c')$$, $$values ('alice')$$,
  'an evaluation of the still-firing alert keeps the ack');

do $$ begin perform vigil.unack(test.id('c'), 'bob', test.t(2)); end $$;
select tap.results_eq($$select * from test.ack_of('c')$$,
  $$values (null::timestamptz, null::text, null::text, null::timestamptz)$$, 'unack at 12:02 clears the ack');

do $$ begin perform vigil.ack(test.id('c'), 'carol', p_now => test.t(3)); end $$;
select tap.results_eq($$select * from test.ack_of('c')$$,
  $$values (test.t(3), 'carol', null::text, test.t(33))$$, 'ack again at 12:03 (no comment): expires 12:33');

do $$ begin perform test.ticks(2, 32); end $$;
select tap.results_eq($$select acked_by, ack_expires_at from test.ack_of('c')$$, $$values ('carol', test.t(33))$$,
  '12:32, still firing: the ack holds until it expires');
do $$ begin perform test.tick(33); end $$;
select tap.results_eq($$select * from test.ack_of('c')$$,
  $$values (null::timestamptz, null::text, null::text, null::timestamptz)$$,
  '12:33 = ack_expires_at, still firing: the ack is cleared');
select tap.is((select state from vigil.alert_state where check_name = 'c'), 'firing', '... and the alert still fires');

do $$ begin perform vigil.ack(test.id('c'), 'dave', 'again', test.t(34)); end $$;
update test.feed set value = 50 where check_name = 'c';
do $$ begin perform test.tick(35); end $$;
select tap.results_eq($$select * from test.ack_of('c')$$,
  $$values (null::timestamptz, null::text, null::text, null::timestamptz)$$,
  'acked at 12:34, resolved at 12:35: the ack is cleared');

select tap.results_eq($$select at, event from test.events('c')$$,
  $$values (test.t(0), 'firing'), (test.t(1), 'acknowledged'), (test.t(2), 'unacknowledged'),
           (test.t(3), 'acknowledged'), (test.t(33), 'ack_expired'), (test.t(34), 'acknowledged'), (test.t(35), 'resolved')$$,
  'events: firing, acknowledged, unacknowledged, acknowledged, ack_expired at 12:33, acknowledged, resolved (no event for clearing the ack on resolve)');
select tap.is((select pg_catalog.count(distinct alert_id)::int from test.events('c')), 1, '... all about the one alert');
select tap.is((select alert_id from test.events('c') limit 1), test.id('c'), '... the alert_state row');

select tap.throws_ok(
  $$select vigil.ack((select id from vigil.alert_state where check_name = 'c'), 'erin', null, '2026-03-10 12:36:00+00')$$,
  '55000', null, 'acking a resolved alert: 55000');
select tap.throws_ok(
  $$select vigil.ack((select pg_catalog.max(id) + 1000 from vigil.alert_state), 'erin', null, '2026-03-10 12:36:00+00')$$,
  'P0002', null, 'acking an unknown alert id: P0002');

do $$ begin perform vigil.ack(test.id('c_pending'), 'frank', 'known', test.t(36)); end $$;
select tap.results_eq($$select s.state, a.acked_by, a.ack_expires_at from vigil.alert_state s, test.ack_of('c_pending') a
                         where s.check_name = 'c_pending'$$,
  $$values ('pending', 'frank', test.t(66))$$, 'a pending alert can be acked');
select tap.results_eq($$select at, event from test.events('c_pending')$$,
  $$values (test.t(0), 'pending'), (test.t(36), 'acknowledged')$$, '... with an acknowledged event');

do $$ begin perform vigil.ack(test.id('c_forever'), 'gina', null, test.t(36)); end $$;
do $$ begin perform test.tick(37); perform test.tick(600); end $$;
select tap.results_eq($$select * from test.ack_of('c_forever')$$,
  $$values (test.t(36), 'gina', null::text, null::timestamptz)$$,
  'ack_timeout null: ack_expires_at null, still acked 10 hours later');
select tap.results_eq($$select at, event from test.events('c_forever')$$,
  $$values (test.t(0), 'firing'), (test.t(36), 'acknowledged')$$, '... and no ack_expired event');

select tap.results_eq($$select at, event from test.events('c_order')$$,
  $$values (test.t(0), 'firing'), (test.t(0), 'acknowledged'), (test.t(1), 'severity_changed'), (test.t(1), 'ack_expired')$$,
  'in one run the state event (severity_changed) is written before ack_expired');

select * from tap.finish();
rollback;
