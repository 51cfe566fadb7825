-- The steady state costs no write (docs/alert-state.md, "Writes"): a firing
-- alert whose value, severity, labels and detail stay the same, with a full
-- flap history of 1s and no ack to expire, is not rewritten (same ctid,
-- last_eval_at stays). Any change rewrites it at once: the value, the detail,
-- the series' labels, the severity cap (update_check), an ack expiring. A
-- change of the check's labels reaches the row through update_check.
-- Evaluations go through vigil.tick (fixtures.sql), one tick per replayed
-- minute.
begin;
select tap.plan(13);
\ir fixtures.sql

create table test.feed (series text primary key, value double precision, labels jsonb not null default '{}', detail jsonb);
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select f.series, f.value, f.labels, f.detail from test.feed f $$;
create table test.seen (label text primary key, tid tid);
create function test.mark(p_label text) returns void language sql set search_path = '' as $$
  insert into test.seen select p_label, s.ctid from vigil.alert_state s where s.check_name = 'c' $$;

delete from vigil.checks;  -- only this file's checks
insert into test.feed values ('a', 85, '{"db": "shop"}', '{"query": "select 1"}');
do $$ begin perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_critical => 90,
                                    p_flap_window => 3, p_labels => '{"team": "db"}'); end $$;

do $$ begin perform test.tick(0); perform test.tick(1); perform test.tick(2); perform test.mark('full history'); end $$;
select tap.results_eq(
  $$select state, flap_history, last_eval_at from vigil.alert_state where check_name = 'c'$$,
  $$values ('firing', '111', test.t(2))$$,
  'firing at 85 for 3 evaluations: the flap history (window 3) is full');

do $$ begin perform test.tick(3); perform test.tick(4); end $$;
select tap.results_eq(
  $$select s.last_eval_at, s.ctid = (select tid from test.seen where label = 'full history') from vigil.alert_state s where s.check_name = 'c'$$,
  $$values (test.t(2), true)$$,
  'two more evaluations at 85: the row is not rewritten (same ctid, last_eval_at stays)');
select tap.is(
  (select c.last_run_at from vigil.checks c where c.name = 'c'), test.t(4),
  '... while the check''s last run says when it was last evaluated');

update test.feed set value = 86;
do $$ begin perform test.tick(5); end $$;
select tap.results_eq(
  $$select value, last_eval_at from vigil.alert_state where check_name = 'c'$$,
  $$values (86::double precision, test.t(5))$$,
  'the value changes to 86: the row is rewritten with it');

update test.feed set detail = '{"query": "select 2"}';
do $$ begin perform test.tick(6); end $$;
select tap.results_eq(
  $$select detail, last_eval_at from vigil.alert_state where check_name = 'c'$$,
  $$values ('{"query": "select 2"}'::jsonb, test.t(6))$$,
  'the detail changes: the row is rewritten with it');

update test.feed set labels = '{"db": "shop2"}';
do $$ begin perform test.tick(7); end $$;
select tap.results_eq(
  $$select labels, series_labels, last_eval_at from vigil.alert_state where check_name = 'c'$$,
  $$values ('{"team": "db", "db": "shop2", "check": "c", "series": "a"}'::jsonb, '{"db": "shop2"}'::jsonb, test.t(7))$$,
  'the series'' labels change: the row''s labels are composed again');

do $$ begin perform vigil.update_check('c', p_labels => '{"team": "ops"}'); end $$;
select tap.is(
  (select labels from vigil.alert_state where check_name = 'c'),
  '{"team": "ops", "db": "shop2", "check": "c", "series": "a"}'::jsonb,
  'update_check changes the check''s labels: its alerts'' labels follow at once');

update test.feed set value = 95;
do $$ begin perform test.tick(8); perform test.tick(9); perform test.tick(10); end $$;
select tap.results_eq(
  $$select severity, last_eval_at from vigil.alert_state where check_name = 'c'$$,
  $$values ('critical', test.t(8))$$,
  '95: critical at once; then unchanged');
do $$ begin perform vigil.update_check('c', p_max_severity => 'warning'); perform test.tick(11); end $$;
select tap.results_eq(
  $$select severity, last_eval_at from vigil.alert_state where check_name = 'c'$$,
  $$values ('warning', test.t(11))$$,
  'max_severity lowered to warning: the same value is rewritten with the capped severity');
select tap.results_eq(
  $$select event, severity from vigil.alert_events where check_name = 'c' and at = test.t(11)$$,
  $$values ('severity_changed', 'warning')$$,
  '... with a severity_changed event');

do $$ begin
  perform vigil.ack((select id from vigil.alert_state where check_name = 'c'), 'alice', 'looking', test.t(12));
  perform test.tick(13);
end $$;
select tap.results_eq(
  $$select acked_by, last_eval_at from vigil.alert_state where check_name = 'c'$$,
  $$values ('alice', test.t(11))$$,
  'acked: the next unchanged evaluation writes nothing and keeps the ack');
do $$ begin perform test.tick(42); end $$;
select tap.results_eq(
  $$select acked_by, last_eval_at from vigil.alert_state where check_name = 'c'$$,
  $$values (null::text, test.t(42))$$,
  'the ack times out (30 minutes) on an otherwise unchanged alert: the row is rewritten without it');
select tap.results_eq(
  $$select event from vigil.alert_events where check_name = 'c' and at = test.t(42)$$,
  $$values ('ack_expired')$$,
  '... with an ack_expired event');

select * from tap.finish();
rollback;
