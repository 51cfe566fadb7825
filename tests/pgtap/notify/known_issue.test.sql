-- Known issues: text matched (case-insensitively) in an alert's summary or
-- detail holds the alert back until the known issue expires; it counts
-- every alert it held back.
begin;
select tap.plan(3);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'lag', p_function => 'test.feed_check', p_warning => 80);
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_route('all', 'chat', p_group_wait => '0', p_group_by => '{check,series}');
  perform vigil.add_known_issue('REPLICA1', test.t(30), 'replica1 is being rebuilt', p_now => test.t(0));
  perform test.set('lag', 'replica1', 85);
  perform test.set('lag', 'replica2', 85);
  perform test.ticks(0, 2);
  perform test.set('lag', 'replica1-old', 85);
  perform test.ticks(3, 29);
end $$;
select tap.results_eq($$select * from test.outbox()$$,
  $$values (0, 'chat', 'alerts', 'firing', 'replica2:firing')$$,
  'minutes 0-29: only replica2 goes out; replica1 and replica1-old match the known issue');
select tap.results_eq($$select suppressed_count, last_suppressed_at from vigil.known_issues$$,
  $$values (2::bigint, test.t(3))$$,
  'the known issue counted the two alerts it held back');

do $$ begin perform test.tick(30); end $$;
select tap.results_eq($$select alerts from test.outbox() where minute = 30 order by alerts$$,
  $$values ('replica1-old:firing'), ('replica1:firing')$$,
  'minute 30: the known issue expired; both go out');

select * from tap.finish();
rollback;
