-- Bad input to the notification API gets a clear error: an SQLSTATE, a
-- message naming the bad value (and a HINT, asserted for one), and nothing
-- is written.
begin;
select tap.plan(18);
\ir fixtures.sql

select tap.throws_ok($$select vigil.add_channel('Bad Name', 'slack', 'env:X')$$, '22023',
  'channel name ''Bad Name'' is not valid', 'a channel name that is not a slug');
select tap.throws_ok($$select vigil.add_channel('c1', 'sms', 'env:X')$$, '22023',
  'channel kind ''sms'' is not known', 'an unknown channel kind');
select tap.throws_ok($$select vigil.add_channel('c1', 'slack', 'ftp://example.com/x')$$, '22023',
  'channel target ''ftp://example.com…'' is neither an http(s) URL nor env:NAME', 'a target that is neither a URL nor env:NAME: named by scheme and host, not its path');
select tap.throws_ok($$select vigil.add_channel('c1', 'slack', 'https://hooks.example.com/services/T0/B0/s3cr3t ')$$, '22023',
  'channel target ''https://hooks.example.com…'' is neither an http(s) URL nor env:NAME', 'a pasted URL with a trailing space: its secret path is not in the message');
select tap.throws_ok($$select vigil.add_channel('c1', 'pagerduty', 'env:PD', p_secret_ref => 'R0UT1NGK3Y')$$, '22023',
  'secret reference is not env:NAME', 'a literal secret: refused, and not repeated in the message');
select tap.throws_ok($$select vigil.add_channel('c1', 'slack', 'env:X', p_heartbeat_every => '0')$$, '22023',
  'heartbeat interval 00:00:00 is not positive', 'a heartbeat interval of zero');
select tap.is_empty($$select 1 from vigil.channels$$, 'none of them wrote a channel');

do $$ begin perform vigil.add_channel('chat', 'slack', 'env:SLACK_URL'); end $$;
select tap.throws_ok($$select vigil.add_channel('chat', 'slack', 'env:OTHER')$$, '23505',
  'channel chat already exists', 'a channel name that is taken');
select tap.throws_ok($$select vigil.add_route('r', 'nope')$$, '22023',
  'channel ''nope'' does not exist', 'a route to an unknown channel');
select tap.throws_ok($$select vigil.add_route('r', 'chat', p_min_severity => 'major')$$, '22023',
  'minimum severity ''major'' is not info, warning or critical', 'an unknown severity');
select tap.throws_ok($$select vigil.add_route('r', 'chat', p_matchers => array['team db'])$$, '22023', null,
  'a malformed matcher');
select tap.throws_ok($$select vigil.add_route('r', 'chat', p_matchers => array['team=~(db'])$$, '2201B', null,
  'a bad regular expression');
select tap.throws_ok($$select vigil.add_route('r', 'chat', p_group_interval => '0')$$, '22023',
  'group timing is not valid: group_wait 00:00:30, group_interval 00:00:00, repeat_interval 04:00:00', 'a zero group_interval');
select tap.throws_ok($$select vigil.add_route('r', 'chat', p_escalation_policy => 'nope')$$, '22023',
  'escalation policy ''nope'' does not exist', 'an unknown escalation policy');
select tap.is_empty($$select 1 from vigil.routes$$, 'none of them wrote a route');

select tap.throws_ok($$select vigil.add_escalation_policy('p', array['chat', 'ghost'], array['0', '5 minutes']::interval[])$$, '22023',
  'escalation policy p names channels that do not exist: ''ghost''', 'an escalation step to an unknown channel');
select tap.throws_ok($$select vigil.add_escalation_policy('p', array['chat'], array['0']::interval[], p_repeat => 10)$$, '22023',
  'escalation repeat 10 is not between 0 and 9', 'more than 9 loops');
select tap.is_empty($$select 1 from vigil.escalation_policies union all select 1 from vigil.escalation_steps$$,
  'none of them wrote a policy or a step');

select * from tap.finish();
rollback;
