-- Changing and removing notification configuration (docs/notifications.md,
-- "Changing and removing"): vigil.update_channel changes only what it is
-- given, validates as add_channel does and never repeats a target or secret
-- in an error; vigil.remove_channel refuses while a route or escalation
-- step uses the channel and turns its undelivered notifications into dead
-- letters, keeping the history; vigil.remove_route ends its escalations and
-- leaves no notification group behind; vigil.remove_escalation_policy
-- refuses while a route uses it. Bad input gets an SQLSTATE, a message
-- naming the bad value and a hint, and changes nothing.
begin;
select tap.plan(63);
\ir fixtures.sql
\ir ../hint_of.sql

-- All an error says (message, detail, hint), to prove a secret is not in it.
create function pg_temp.error_text(p_sql text) returns text language plpgsql as $$
declare
  v_msg text; v_detail text; v_hint text;
begin
  execute p_sql;
  return null;
exception when others then
  get stacked diagnostics v_msg = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
  return concat_ws(' | ', v_msg, v_detail, v_hint);
end $$;
-- A channel as a row of text, to compare before and after.
create function test.channel(p_name text) returns jsonb language sql set search_path = '' as $$
  select pg_catalog.to_jsonb(ch) from vigil.channels ch where ch.name = p_name $$;

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_critical => 90);
  perform vigil.add_channel('pager', 'pagerduty', 'env:PD_URL', p_secret_ref => 'env:PD_KEY', p_rate_limit_per_minute => 30,
                            p_heartbeat_every => '1 hour', p_comment => 'primary on-call');
  perform vigil.add_channel('chat', 'slack', 'https://hooks.example.invalid/T1/B1/s3cr3t');
  perform vigil.add_channel('lead', 'slack', 'env:SLACK_LEAD');
  perform vigil.add_channel('spare', 'webhook', 'env:SPARE_URL');
end $$;
create table test.before as select * from vigil.channels;

-- update_channel ---------------------------------------------------------

select tap.is(
  (select (ch.target, ch.rate_limit_per_minute)::text from vigil.update_channel('chat', p_target => 'https://hooks.example.invalid/T1/B2/n3w', p_rate_limit_per_minute => 20) ch),
  '(https://hooks.example.invalid/T1/B2/n3w,20)', 'update_channel rotates a webhook URL and sets a rate limit, and returns the row');
select tap.is(test.channel('chat') - '{target,rate_limit_per_minute}'::text[],
  (select pg_catalog.to_jsonb(b) - '{target,rate_limit_per_minute}'::text[] from test.before b where b.name = 'chat'),
  '... every other setting of the channel is as it was');

do $$ begin perform vigil.update_channel('pager', p_secret_ref => 'env:PD_KEY_2', p_allow_private => true); end $$;
select tap.is(test.channel('pager') - '{secret_ref,allow_private}'::text[],
  (select pg_catalog.to_jsonb(b) - '{secret_ref,allow_private}'::text[] from test.before b where b.name = 'pager'),
  'rotating a secret reference keeps the target, rate limit, heartbeat and comment');
select tap.is((select (secret_ref, allow_private)::text from vigil.channels where name = 'pager'), '(env:PD_KEY_2,t)',
  '... and sets the new secret reference and allow_private');

do $$ begin perform vigil.update_channel('pager', p_clear => '{secret_ref,rate_limit_per_minute,heartbeat_every,comment}'); end $$;
select tap.is(
  (select (target, secret_ref, rate_limit_per_minute, heartbeat_every, comment, allow_private)::text from vigil.channels where name = 'pager'),
  '(env:PD_URL,,,,,t)', 'p_clear empties secret_ref, rate_limit_per_minute, heartbeat_every and comment, and nothing else');

select tap.is((select pg_catalog.to_jsonb(ch) from vigil.update_channel('lead', p_kind => 'slack') ch),
  (select pg_catalog.to_jsonb(b) from test.before b where b.name = 'lead'),
  'an update with the channel''s own kind and nothing else changes nothing');

create table test.mid as select * from vigil.channels;

select tap.throws_ok($$select vigil.update_channel('nope', p_target => 'env:X')$$, 'P0002',
  'channel ''nope'' does not exist', 'update_channel: an unknown channel');
select tap.is(pg_temp.hint_of($$select vigil.update_channel('nope', p_target => 'env:X')$$),
  'See select name, kind, enabled, disabled_reason from vigil.channels order by 1;', '... with a hint');
select tap.throws_ok($$select vigil.update_channel('chat', p_kind => 'teams')$$, '22023',
  'channel chat is of kind slack: its kind cannot change to ''teams''', 'the kind cannot change');
select tap.matches(pg_temp.hint_of($$select vigil.update_channel('chat', p_kind => 'teams')$$),
  'Add a new channel of that kind with vigil.add_channel.*vigil.remove_channel\(''chat''\)', '... the hint says to add a new channel');
select tap.throws_ok($$select vigil.update_channel('chat', p_target => 'ftp://files.invalid/x')$$, '22023',
  'channel target ''ftp://files.invalid…'' is neither an http(s) URL nor env:NAME', 'a target that is neither a URL nor env:NAME');
select tap.isnt(pg_temp.hint_of($$select vigil.update_channel('chat', p_target => 'ftp://files.invalid/x')$$), null, '... with a hint');
select tap.throws_ok($$select vigil.update_channel('pager', p_secret_ref => 'R0UT1NGK3Y')$$, '22023',
  'secret reference is not env:NAME', 'a literal secret: refused');
select tap.unalike(pg_temp.error_text($$select vigil.update_channel('pager', p_secret_ref => 'R0UT1NGK3Y')$$), '%R0UT1NGK3Y%',
  '... and repeated neither in the message nor in the hint');
select tap.throws_ok($$select vigil.update_channel('chat', p_rate_limit_per_minute => 0)$$, '22023',
  'rate limit 0 per minute is not positive', 'a rate limit of zero');
select tap.is(pg_temp.hint_of($$select vigil.update_channel('chat', p_rate_limit_per_minute => 0)$$),
  'Give a positive number of notifications per minute, or null for none.', '... with add_channel''s hint');
select tap.throws_ok($$select vigil.update_channel('chat', p_heartbeat_every => '-1 minute')$$, '22023',
  'heartbeat interval -00:01:00 is not positive', 'a negative heartbeat interval');
select tap.throws_ok($$select vigil.update_channel('chat', p_clear => '{target,allow_private}')$$, '22023',
  'p_clear names ''target'', ''allow_private'' that cannot be cleared', 'p_clear of settings that always have a value');
select tap.matches(pg_temp.hint_of($$select vigil.update_channel('chat', p_clear => '{target}')$$),
  '^p_clear takes secret_ref, rate_limit_per_minute, heartbeat_every and comment', '... with a hint naming what may be cleared');
select tap.throws_ok($$select vigil.update_channel('chat', p_clear => array[null])$$, '22023',
  'p_clear names NULL that cannot be cleared', 'p_clear with a null element');
select tap.throws_ok($$select vigil.update_channel('pager', p_secret_ref => 'env:K', p_clear => '{secret_ref}')$$, '22023',
  'channel pager: secret_ref both given and cleared', 'a setting both given and cleared');
select tap.is(pg_temp.hint_of($$select vigil.update_channel('pager', p_secret_ref => 'env:K', p_clear => '{secret_ref}')$$),
  'Give a setting a new value or name it in p_clear, not both.', '... with a hint');
-- A new webhook URL is a secret: no error of update_channel repeats it.
select tap.is_empty(
  $$select s from (values
      ($q$select vigil.update_channel('chat', p_target => 'https://hooks.example.invalid/T9/B9/l34k3d', p_rate_limit_per_minute => -1)$q$),
      ($q$select vigil.update_channel('chat', p_target => 'https://hooks.example.invalid/T9/B9/l34k3d', p_kind => 'discord')$q$),
      ($q$select vigil.update_channel('chat', p_target => 'https://hooks.example.invalid/T9/B9/l34k3d', p_clear => '{target}')$q$),
      ($q$select vigil.update_channel('gone', p_target => 'https://hooks.example.invalid/T9/B9/l34k3d')$q$),
      ($q$select vigil.update_channel('chat', p_target => 'https://hooks.example.invalid/T9/B9/l34k3d', p_secret_ref => 'l34k3d')$q$)) v(s)
     where coalesce(pg_temp.error_text(s), 'no error') ~ 'l34k3d|no error'$$,
  'no error of update_channel repeats the target or secret it was given (and each of these is an error)');
select tap.is((select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(ch) order by ch.name) from vigil.channels ch),
  (select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(m) order by m.name) from test.mid m),
  'none of the refused updates changed anything, not even the valid settings given with a bad one');

-- Channels, routes and a policy in use, and an alert escalating. -----------

do $$ begin
  perform vigil.add_escalation_policy('db', array['pager', 'lead'], array['0', '5 minutes']::interval[]);
  perform vigil.add_route('critical', 'pager', p_min_severity => 'critical', p_escalation_policy => 'db');
  perform vigil.add_route('everything', 'chat');
  perform test.set('c', 'a', 95);
  perform test.ticks(0, 2);
end $$;
select tap.results_eq(
  $$select r.name, (select pg_catalog.count(*)::int from vigil.notification_groups g where g.route_id = r.id),
           (select pg_catalog.count(*)::int from vigil.group_members m where m.route_id = r.id),
           (select pg_catalog.count(*)::int from vigil.escalations e where e.route_id = r.id)
      from vigil.routes r order by r.position$$,
  $$values ('critical', 1, 1, 1), ('everything', 0, 0, 0)$$,
  'minute 2: the critical alert is in a group of route critical and escalating along policy db');

-- remove_channel: refused while in use -------------------------------------

create table test.outbox_before as select * from vigil.outbox;
select tap.throws_ok($$select vigil.remove_channel('chat')$$, '2BP01',
  'channel chat is still used by route ''everything''', 'remove_channel refuses a channel a route sends to');
select tap.is(pg_temp.hint_of($$select vigil.remove_channel('chat')$$),
  'Remove them first (a policy only once no route uses it), then add them again without this channel if still needed: select vigil.remove_route(''everything''); Or, to stop its deliveries only: select vigil.disable_channel(''chat'');',
  '... and the hint names the route and how to remove it, or to disable the channel instead');
select tap.throws_ok($$select vigil.remove_channel('lead')$$, '2BP01',
  'channel lead is still used by escalation policy ''db''', '... a channel an escalation policy step uses');
select tap.throws_ok($$select vigil.remove_channel('pager')$$, '2BP01',
  'channel pager is still used by route ''critical'' and escalation policy ''db''', '... naming routes and policies both');
select tap.matches(pg_temp.hint_of($$select vigil.remove_channel('pager')$$),
  'select vigil\.remove_route\(''critical''\); select vigil\.remove_escalation_policy\(''db''\);', '... routes first, then policies');
select tap.throws_ok($$select vigil.remove_channel('nope')$$, 'P0002', 'channel ''nope'' does not exist', 'an unknown channel');
select tap.is(pg_temp.hint_of($$select vigil.remove_channel(null)$$),
  'See select name, kind, enabled, disabled_reason from vigil.channels order by 1;', '... with a hint');
select tap.is((select pg_catalog.count(*)::int from vigil.channels), 4, 'no refused removal removed a channel');
select tap.is((select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(o) order by o.id) from vigil.outbox o),
  (select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(b) order by b.id) from test.outbox_before b),
  '... or touched the outbox');

-- remove_channel: its undelivered rows become dead letters, history stays --

-- Four notifications for spare: one delivered, one dead, one being
-- delivered (leased to w1), one pending; one pending for lead.
create function test.enqueue(p_channel text, p_key text, p_minute integer) returns void language sql set search_path = '' as $$
  insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
  values (test.t(p_minute), p_channel, 'heartbeat', p_key,
          pg_catalog.jsonb_build_object('version', 1, 'kind', 'heartbeat', 'channel', p_channel, 'alerts', '[]'::jsonb),
          test.t(p_minute)) $$;
create function test.claim(p_limit integer, p_minute integer) returns setof text language sql set search_path = '' as $$
  select c.idempotency_key from vigil.claim_deliveries('w1', p_limit, '10 minutes', test.t(p_minute), '{pager,chat,lead}') c $$;
do $$ begin
  perform test.enqueue('spare', 'spare-delivered', 3);
  perform test.enqueue('spare', 'spare-dead', 3);
  perform test.enqueue('spare', 'spare-leased', 4);
  perform test.enqueue('spare', 'spare-pending', 5);
  perform test.enqueue('lead', 'lead-pending', 3);
  perform test.claim(2, 3);
  perform vigil.settle_delivery((select id from vigil.outbox where idempotency_key = 'spare-delivered'), 'w1', 'delivered',
                                p_http_status => 200, p_now => test.t(3));
  perform vigil.settle_delivery((select id from vigil.outbox where idempotency_key = 'spare-dead'), 'w1', 'dead',
                                p_http_status => 400, p_error => 'HTTP 400', p_now => test.t(3));
  perform test.claim(1, 4);
end $$;
select tap.results_eq(
  $$select idempotency_key, status from vigil.outbox where idempotency_key ~ '^spare' order by id$$,
  $$values ('spare-delivered', 'delivered'), ('spare-dead', 'dead'), ('spare-leased', 'delivering'), ('spare-pending', 'pending')$$,
  'spare has a delivered, a dead, a leased and a pending notification');

select tap.is((select name from vigil.remove_channel('spare')), 'spare', 'remove_channel removes an unused channel and returns it');
select tap.ok(not exists (select from vigil.channels where name = 'spare'), '... it is gone');
select tap.results_eq(
  $$select idempotency_key, status, last_error, lease_owner from vigil.outbox where idempotency_key ~ '^spare' order by id$$,
  $$values ('spare-delivered', 'delivered', null, null), ('spare-dead', 'dead', 'HTTP 400', null),
           ('spare-leased', 'dead', 'channel spare removed', null), ('spare-pending', 'dead', 'channel spare removed', null)$$,
  'its undelivered notifications are dead letters with the reason; delivered and dead ones stay as they were');
select tap.results_eq(
  $$select channel, outcome from vigil.delivery_attempts where channel = 'spare' order by id$$,
  $$values ('spare', 'delivered'), ('spare', 'dead')$$,
  '... and its delivery attempts stay as history');
select tap.results_eq(
  $$select channel, last_error from vigil.dead_letters where channel = 'spare' and last_error ~ 'removed' order by id$$,
  $$values ('spare', 'channel spare removed'), ('spare', 'channel spare removed')$$,
  'vigil.dead_letters shows them, with the reason');
select tap.is_empty($$select 1 from vigil.delivery_backlog where channel = 'spare'$$, '... and nothing of spare waits in the backlog');
select tap.is((select status from vigil.outbox where idempotency_key = 'lead-pending'), 'pending',
  'another channel''s pending notification is untouched');
select tap.is(
  (select s.lease_lost from vigil.settle_deliveries('w1', array[(select id from vigil.outbox where idempotency_key = 'spare-leased')],
                                                   array['delivered'], p_now => test.t(5)) s),
  true, 'the worker that was delivering one reports its lease lost when it settles, and changes nothing');
select tap.is((select status from vigil.outbox where idempotency_key = 'spare-leased'), 'dead', '... the row stays dead');

-- remove_escalation_policy: refused while a route uses it -------------------

select tap.throws_ok($$select vigil.remove_escalation_policy('db')$$, '2BP01',
  'escalation policy db is still used by route ''critical''', 'remove_escalation_policy refuses a policy a route uses');
select tap.is(pg_temp.hint_of($$select vigil.remove_escalation_policy('db')$$),
  'A route''s policy cannot be changed in place: remove the route, add it again with vigil.add_route without p_escalation_policy (or with another policy; p_position keeps its place), then remove the policy: select vigil.remove_route(''critical'');',
  '... and the hint names the route and how to detach it');
select tap.throws_ok($$select vigil.remove_escalation_policy('nope')$$, 'P0002',
  'escalation policy ''nope'' does not exist', 'an unknown escalation policy');
select tap.is(pg_temp.hint_of($$select vigil.remove_escalation_policy('nope')$$),
  'See select name, repeat from vigil.escalation_policies order by 1;', '... with a hint');
select tap.is((select pg_catalog.count(*)::int from vigil.escalation_steps where policy = 'db'), 2,
  'the refused removal left the policy''s steps');
select tap.is((select pg_catalog.count(*)::int from vigil.escalations), 1, '... and its escalation');

-- remove_route: escalations end, groups go -----------------------------------

select tap.throws_ok($$select vigil.remove_route('nope')$$, 'P0002', 'route ''nope'' does not exist', 'remove_route: an unknown route');
select tap.is(pg_temp.hint_of($$select vigil.remove_route('nope')$$),
  'See select position, name, channel, escalation_policy from vigil.routes order by position;', '... with a hint');

create table test.critical as select id from vigil.routes where name = 'critical';
select tap.is((select name from vigil.remove_route('critical')), 'critical', 'remove_route removes a route and returns it');
select tap.is_empty(
  $$select 'escalation' from vigil.escalations e join test.critical c on c.id = e.route_id
    union all select 'group' from vigil.notification_groups g join test.critical c on c.id = g.route_id
    union all select 'member' from vigil.group_members m join test.critical c on c.id = m.route_id$$,
  '... its escalations ended, and no notification group or member of it is left');
select tap.is((select pg_catalog.count(*)::int from vigil.escalation_steps where policy = 'db'), 2, '... its policy stays');

create table test.escalated as select pg_catalog.count(*) as n from vigil.outbox where kind = 'escalation';
do $$ begin perform test.ticks(3, 12); end $$;
select tap.is((select pg_catalog.count(*) from vigil.outbox where kind = 'escalation'), (select n from test.escalated),
  'the ticks after it send no further escalation step (step 2 was due at minute 5)');
select tap.results_eq(
  $$select r.name, (select pg_catalog.count(*)::int from vigil.group_members m where m.route_id = r.id and m.status = 'firing')
      from vigil.routes r order by r.position$$,
  $$values ('everything', 1)$$,
  'the firing alert is routed to the next matching route instead');

-- remove_escalation_policy, remove_channel once nothing uses them ------------

select tap.is((select name from vigil.remove_escalation_policy('db')), 'db', 'once no route uses it, the policy is removed');
select tap.is_empty($$select 1 from vigil.escalation_steps where policy = 'db' union all select 1 from vigil.escalations where policy = 'db'$$,
  '... with its steps, and no escalation of it is left');
select tap.is((select pg_catalog.count(*)::int from vigil.alert_events where event = 'escalated'), 1,
  '... its escalated events stay as history');
select tap.lives_ok($$select vigil.remove_channel(n) from (values ('pager'), ('lead')) v(n)$$,
  'the channels of the removed route and policy can be removed now');
select tap.is((select status || ': ' || last_error from vigil.outbox where idempotency_key = 'lead-pending'), 'dead: channel lead removed',
  '... and lead''s pending notification is a dead letter');
select tap.results_eq($$select name from vigil.channels$$, $$values ('chat')$$, 'chat is the only channel left');

select * from tap.finish();
rollback;
