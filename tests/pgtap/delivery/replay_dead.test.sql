-- vigil.replay_dead: re-queue dead letters by id, by channel, by creation
-- time, or a combination; never all of them without a filter.
begin;
select tap.plan(15);
\ir fixtures.sql

do $$ begin
  perform test.enqueue('chat', 0);
  perform test.enqueue('chat', 1);
  perform test.enqueue('hook', 2);
  perform test.enqueue('hook', 3);
  perform test.enqueue('chat', 4);  -- stays pending
end $$;
update vigil.outbox set status = 'dead', attempts = 11, last_error = 'HTTP 503 (gave up after 11 attempts)' where id <= 4;

select tap.throws_ok($$select vigil.replay_dead()$$, '22023', 'replay_dead needs a filter: p_id, p_channel or p_since',
  'no filter: refused (22023), not every dead letter at once');
select tap.throws_ok($$select vigil.replay_dead(5)$$, 'P0002', 'outbox row 5 is not a dead letter',
  'an id that is not dead: P0002');

select tap.is(vigil.replay_dead(1, p_now => test.t(10)), 1, 'by id: one row');
select tap.results_eq(
  $$select status, attempts, available_at, last_error, lease_owner from vigil.outbox where id = 1$$,
  $$values ('pending', 0, test.t(10), null::text, null::text)$$,
  'it starts over: pending, due at p_now, 0 attempts, no error');
select tap.is(test.claim('w1', 10, 10), array[5, 1]::bigint[], 'and is claimed again, after the rows due before p_now');

select tap.is(vigil.replay_dead(p_channel => 'hook', p_since => test.t(3), p_now => test.t(10)), 1,
  'channel and since combine: only hook''s row from minute 3');
select tap.is((select status from vigil.outbox where id = 3), 'dead', 'hook''s older row stays dead');
select tap.is(vigil.replay_dead(p_since => test.t(1), p_now => test.t(10)), 2, 'since: every dead row created from minute 1 on');
select tap.is(vigil.replay_dead(p_channel => 'hook', p_now => test.t(10)), 0, 'nothing dead left on hook: 0');
select tap.is_empty($$select * from vigil.dead_letters$$, 'no dead letters left');

-- A removed channel's rows stay dead: no worker would ever claim them.
select vigil.add_channel('gone', 'webhook', 'http://127.0.0.1:9/x', p_allow_private => true);
do $$ begin perform test.enqueue('gone', 6); perform test.enqueue('chat', 7); end $$;
select vigil.remove_channel('gone');
update vigil.outbox set status = 'dead', last_error = 'HTTP 503' where channel = 'chat' and status = 'pending';
select tap.throws_ok(format('select vigil.replay_dead(%s)', (select id from vigil.outbox where channel = 'gone')), 'P0002',
  format('outbox row %s is for channel ''gone'', which no longer exists', (select id from vigil.outbox where channel = 'gone')),
  'by id, a row of a removed channel: P0002');
select tap.throws_ok($$select vigil.replay_dead(p_channel => 'gone')$$, 'P0002', 'channel ''gone'' does not exist',
  'by channel, a removed channel: P0002');
select tap.is(vigil.replay_dead(p_since => test.t(0), p_now => test.t(10)), 2, 'a filtered set replays the rows of channels that exist (chat''s two dead rows)');
select tap.is((select status from vigil.outbox where channel = 'gone'), 'dead', '... and leaves the removed channel''s row dead');
select tap.is((select last_error from vigil.outbox where channel = 'gone'), 'channel gone removed', '... with its reason');

select * from tap.finish();
rollback;
