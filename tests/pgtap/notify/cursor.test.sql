-- The notification step works on what changed since the last tick
-- (vigil.notify_cursor, sql/functions/_notify.sql), and still tells what it
-- must when the change did not come from the tick's own evaluation: an
-- alert evaluated between two ticks (a manual run_check), a route added, a
-- check's labels changed, a silence that begins. A tick replayed at the
-- same time sends nothing twice. The check has a flap window of 3, so that
-- from minute 3 on evaluation no longer rewrites the alert rows: nothing
-- about them changes, and only the cursor can tell the step what to do
-- (and flap thresholds that keep flapping out of the way).
begin;
select tap.plan(10);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_flap_window => 3,
                          p_flap_start => 100, p_flap_stop => 99);
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_channel('pager', 'webhook', 'https://pager.example.com/hook');
  perform vigil.add_channel('dbchat', 'webhook', 'https://db.example.com/hook');
  perform vigil.add_route('all', 'chat', p_group_wait => '0', p_group_interval => '1 minute', p_group_by => '{series}');
  perform test.set('c', 'a', 85);
  perform test.set('c', 'b', 85);
  perform test.ticks(0, 4);
end $$;
select tap.results_eq($$select minute, channel, status, alerts from test.outbox() order by alerts$$,
  $$values (0, 'chat', 'firing', 'a:firing'), (0, 'chat', 'firing', 'b:firing')$$,
  'minute 0: a and b fire and are told; nothing more through minute 4 ...');
select tap.results_eq($$select pg_catalog.max(last_eval_at), (select last_now from vigil.notify_cursor) from vigil.alert_state$$,
  $$values (test.t(2), test.t(4))$$,
  '... and since minute 2 their rows are not rewritten (the flap history is full); the cursor is at minute 4');

-- A run between two ticks: c runs at 4:30, a resolves and b's value moves;
-- at minute 5 c is not due, and the tick still tells a's resolve.
do $$ begin
  perform test.set('c', 'a', 50);
  perform test.set('c', 'b', 88);
  perform vigil.run_check('c', test.t(4) + interval '30 seconds');
  perform vigil.tick(test.t(5));
end $$;
select tap.results_eq($$select minute, channel, status, alerts from test.outbox() offset 2$$,
  $$values (5, 'chat', 'resolved', 'a:resolved')$$,
  'a resolved by a run at 4:30, outside any tick: told at minute 5');
select tap.results_eq($$select value from vigil.group_members where series = 'b'$$, $$values (88::double precision)$$,
  '... and b''s new value (not news) is what its group will carry next');

do $$ begin perform vigil.tick(test.t(5)); end $$;
select tap.is((select pg_catalog.count(*)::int from vigil.outbox), 3, 'the tick at minute 5 replayed sends nothing twice');

-- A write the last step could not see: another transaction that committed
-- while the tick at minute 5 ran, with an evaluation time before it (a
-- manual run_check). Here all is one transaction, so the cursor is told
-- that the last step ran in another one, which began after this one.
do $$ begin
  update vigil.notify_cursor set xact_id = '1', snapshot_xmin = pg_catalog.pg_current_xact_id();
  update vigil.alert_state set value = 90, last_eval_at = test.t(4) + interval '45 seconds' where series = 'b';
  perform vigil.tick(test.t(5) + interval '15 seconds');  -- c is due at 5:30
end $$;
select tap.results_eq($$select value from vigil.group_members where series = 'b'$$, $$values (90::double precision)$$,
  'a write committed during the last tick, with an earlier evaluation time, is taken at the next');

-- A route added in front, with continue: b, unchanged, goes there too.
do $$ begin
  perform vigil.add_route('pager', 'pager', p_position => 1, p_continue => true, p_group_wait => '0', p_group_by => '{series}');
  perform test.tick(6);
end $$;
select tap.results_eq($$select minute, channel, status, alerts from test.outbox() offset 3$$,
  $$values (6, 'pager', 'firing', 'b:firing')$$,
  'minute 6: b, whose row did not change, is routed to the new route as well');

-- The check's labels change (update_check rewrites the alerts' labels,
-- not their evaluation time): b now matches the db route, placed before
-- the catch-all route, and leaves it.
do $$ begin
  perform vigil.add_route('db', 'dbchat', p_position => 5, p_matchers => array['team=db'], p_group_wait => '0', p_group_by => '{series}');
  perform test.tick(7);
  perform vigil.update_check('c', p_labels => '{"team": "db"}');
  perform test.tick(8);
end $$;
select tap.results_eq($$select * from (select minute, channel, status, alerts from test.outbox() offset 4) x order by channel$$,
  $$values (8, 'chat', 'resolved', 'b:resolved'), (8, 'dbchat', 'firing', 'b:firing')$$,
  'minute 8: b carries team=db: told firing on the db route, resolved on the catch-all one');

-- A silence that begins at minute 10 holds b back, though nothing about b
-- changes; it ends at minute 12, and b is news again.
do $$ begin
  perform vigil.silence(array['series=b'], p_starts_at => test.t(10), p_ends_at => test.t(12), p_comment => 'maintenance of b');
  perform test.ticks(9, 12);
end $$;
select tap.results_eq(
  $$select (pg_catalog.date_part('epoch', e.at - test.t(0)) / 60)::int, e.event from vigil.alert_events e
     where e.event in ('suppressed', 'unsuppressed') order by e.id$$,
  $$values (10, 'suppressed'), (12, 'unsuppressed')$$,
  'b is suppressed at minute 10, when the silence begins, and free again at 12, when it ends');
select tap.results_eq($$select suppressed_count from vigil.silences$$, $$values (1::bigint)$$,
  'the silence counted the one alert it held back');

select * from tap.finish();
rollback;
