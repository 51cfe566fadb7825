-- requires: superuser
-- (it uses SET ROLE, which an installer that only has CREATEROLE may not do.)
-- Who may change and remove notification configuration (sql/grants.sql):
-- vigil_admin, through vigil.update_channel, vigil.remove_channel,
-- vigil.remove_route and vigil.remove_escalation_policy (SECURITY DEFINER),
-- as it adds them; vigil_reader, vigil_operator, vigil_worker and PUBLIC
-- may call none of them.
begin;
select tap.plan(9);
\ir fixtures.sql

do $$ begin
  perform vigil.add_channel('chat', 'slack', 'env:SLACK_URL');
  perform vigil.add_channel('pager', 'pagerduty', 'env:PD_URL');
  perform vigil.add_escalation_policy('db', array['pager'], array['0']::interval[]);
  perform vigil.add_route('critical', 'pager', p_escalation_policy => 'db');
end $$;
-- test.* are the test's helpers: let every role use them.
grant usage on schema test to public;

create table test.functions (f text primary key);
insert into test.functions values
  ('vigil.update_channel(text, text, text, integer, interval, boolean, text, text, text[])'),
  ('vigil.remove_channel(text)'),
  ('vigil.remove_route(text)'),
  ('vigil.remove_escalation_policy(text)');

select tap.is_empty(
  $$select f from test.functions where pg_catalog.has_function_privilege('public', f, 'execute')
    union all
    select 'vigil._validate_channel(vigil.channels)' where pg_catalog.has_function_privilege('public', 'vigil._validate_channel(vigil.channels)', 'execute')$$,
  'PUBLIC may execute none of them, nor vigil._validate_channel');
select tap.is_empty(
  $$select r || ': ' || f from test.functions cross join (values ('vigil_reader'), ('vigil_operator'), ('vigil_worker')) v(r)
     where pg_catalog.has_function_privilege(r, f, 'execute')$$,
  'vigil_reader, vigil_operator and vigil_worker may execute none of them');

set local role vigil_operator;
select tap.throws_ok($$select vigil.update_channel('chat', p_rate_limit_per_minute => 5)$$, '42501', null,
  'vigil_operator cannot update a channel');
select tap.throws_ok($$select vigil.remove_route('critical')$$, '42501', null, '... nor remove a route');
reset role;
set local role vigil_worker;
select tap.throws_ok($$select vigil.remove_channel('chat')$$, '42501', null, 'vigil_worker cannot remove a channel');
reset role;

set local role vigil_admin;
select tap.is((select rate_limit_per_minute from vigil.update_channel('chat', p_rate_limit_per_minute => 5)), 5,
  'vigil_admin updates a channel');
select tap.lives_ok($$select vigil.remove_route('critical')$$, '... removes a route');
select tap.lives_ok($$select vigil.remove_escalation_policy('db')$$, '... an escalation policy');
select tap.lives_ok($$select vigil.remove_channel('pager')$$, '... and a channel');
reset role;

select * from tap.finish();
rollback;
