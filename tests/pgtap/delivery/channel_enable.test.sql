-- requires: superuser
-- (it uses SET ROLE, which an installer that only has CREATEROLE may not do.)
-- vigil.enable_channel turns a channel back on after a 410 Gone disabled it:
-- its pending rows are claimed again (the dead one stays dead). Enabling an
-- enabled channel changes nothing. vigil.disable_channel records the reason
-- and the time; disabling a disabled channel keeps the first ones. Unknown
-- names are P0002 with a HINT. Only vigil_admin may call either; PUBLIC
-- neither.
begin;
select tap.plan(28);
\ir fixtures.sql

do $$ begin
  perform test.enqueue('hook', 0);
  perform test.enqueue('hook', 1);
  perform test.enqueue('chat', 2);
  perform test.claim('w1', 1, 5);
  perform vigil.settle_delivery(1, 'w1', 'retry', p_http_status => 410, p_now => test.t(5));
end $$;

-- Enable after a 410.
select tap.is(test.claim('w1', 10, 6, '10 minutes'), array[3]::bigint[], 'after a 410 the channel''s pending row is not claimed');
select tap.results_eq(
  $$select name, enabled, disabled_reason, disabled_at from vigil.enable_channel('hook')$$,
  $$values ('hook', true, null::text, null::timestamptz)$$,
  'enable_channel returns the row, enabled, with the reason and time cleared');
select tap.results_eq(
  $$select enabled, disabled_reason, disabled_at from vigil.channels where name = 'hook'$$,
  $$values (true, null::text, null::timestamptz)$$,
  'and the table says so');
select tap.is(test.claim('w1', 10, 7), array[2]::bigint[], 'its pending row is claimed again');
select tap.is((select status from vigil.outbox where id = 1), 'dead', 'the dead row stays dead (vigil.replay_dead replays it)');
do $$ begin
  perform vigil.settle_delivery(3, 'w1', 'delivered', p_now => test.t(7));
  perform vigil.settle_delivery(2, 'w1', 'delivered', p_now => test.t(7));
end $$;

-- Enabling an enabled channel writes nothing (the row keeps its tuple).
create temp table before_chat as select ctid as old_ctid from vigil.channels where name = 'chat';
select tap.results_eq(
  $$select name, kind, enabled, disabled_reason from vigil.enable_channel('chat')$$,
  $$values ('chat', 'slack', true, null::text)$$,
  'enabling an enabled channel returns its row');
select tap.is((select ctid from vigil.channels where name = 'chat'), (select old_ctid from before_chat),
  'and does not update it');

-- Disable by hand, with and without a reason.
select tap.results_eq(
  $$select name, enabled, disabled_reason, disabled_at from vigil.disable_channel('chat', 'moving to the new workspace')$$,
  $$values ('chat', false, 'moving to the new workspace', pg_catalog.now())$$,
  'disable_channel returns the row, disabled, with the reason and now()');
select tap.results_eq(
  $$select enabled, disabled_reason, disabled_at from vigil.channels where name = 'chat'$$,
  $$values (false, 'moving to the new workspace', pg_catalog.now())$$,
  'and the table says so');
do $$ begin perform test.enqueue('chat', 8); end $$;
select tap.is(test.claim('w1', 10, 9), '{}'::bigint[], 'a disabled channel''s new row waits');
select tap.results_eq(
  $$select enabled, disabled_reason from vigil.disable_channel('chat', 'another reason')$$,
  $$values (false, 'moving to the new workspace')$$,
  'disabling a disabled channel keeps the first reason');
select tap.results_eq(
  $$select name, enabled, disabled_reason, disabled_at is not null from vigil.disable_channel('hook')$$,
  $$values ('hook', false, null::text, true)$$,
  'the reason is optional; the time is still recorded');
select tap.is((select enabled from vigil.enable_channel('chat')), true, 'a channel disabled by hand is enabled again');
select tap.is(test.claim('w1', 10, 9), array[4]::bigint[], 'and its waiting row is claimed');

-- Unknown names.
select tap.throws_ok($$select vigil.enable_channel('nope')$$, 'P0002', 'channel ''nope'' does not exist',
  'enable_channel: an unknown channel is P0002, naming it');
select tap.throws_ok($$select vigil.disable_channel('nope', 'x')$$, 'P0002', 'channel ''nope'' does not exist',
  'disable_channel: an unknown channel is P0002, naming it');
select tap.throws_ok($$select vigil.enable_channel(null)$$, 'P0002', 'channel NULL does not exist',
  'enable_channel: a NULL name is P0002');
\ir ../hint_of.sql
select tap.ok(pg_temp.hint_of($$select vigil.enable_channel('nope')$$) ~ 'from vigil\.channels'
          and pg_temp.hint_of($$select vigil.disable_channel('nope')$$) ~ 'from vigil\.channels',
  'both carry a HINT that lists the channels');

-- Privileges.
select tap.is_empty(
  $$select f from (values ('vigil.enable_channel(text)'), ('vigil.disable_channel(text, text)')) v(f)
     where pg_catalog.has_function_privilege('public', f, 'execute')
        or not pg_catalog.has_function_privilege('vigil_admin', f, 'execute')$$,
  'vigil_admin may execute both, PUBLIC neither');
-- test.* are the test's helpers: let every role use them.
grant usage on schema test to public;
set local role vigil_admin;
select tap.is((vigil.disable_channel('chat', 'by the admin')).disabled_reason, 'by the admin', 'vigil_admin disables a channel');
select tap.is((vigil.enable_channel('chat')).enabled, true, 'vigil_admin enables it');
reset role;
set local role vigil_reader;
select tap.throws_ok($$select vigil.enable_channel('chat')$$, '42501', null, 'vigil_reader cannot enable a channel');
select tap.throws_ok($$select vigil.disable_channel('chat')$$, '42501', null, 'vigil_reader cannot disable a channel');
reset role;
set local role vigil_operator;
select tap.throws_ok($$select vigil.enable_channel('chat')$$, '42501', null, 'vigil_operator cannot enable a channel');
select tap.throws_ok($$select vigil.disable_channel('chat')$$, '42501', null, 'vigil_operator cannot disable a channel');
reset role;
set local role vigil_worker;
select tap.throws_ok($$select vigil.enable_channel('chat')$$, '42501', null, 'vigil_worker cannot enable a channel');
select tap.throws_ok($$select vigil.disable_channel('chat')$$, '42501', null, 'vigil_worker cannot disable a channel');
reset role;
select tap.is((select enabled from vigil.channels where name = 'chat'), true, 'the refused calls changed nothing');

select * from tap.finish();
rollback;
