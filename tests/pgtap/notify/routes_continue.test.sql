-- Routes (docs/notifications.md, "Routing"): tried in position order; an
-- alert goes to the first matching route, and on to later matching ones
-- while the matched route says continue. min_severity, service and label
-- matchers decide what matches.
begin;
select tap.plan(4);
\ir fixtures.sql

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80, p_critical => 90, p_service => 'shop');
  perform vigil.add_channel('pager', 'pagerduty', 'env:PD_URL', p_secret_ref => 'env:PD_KEY');
  perform vigil.add_channel('dbchat', 'slack', 'env:SLACK_DB');
  perform vigil.add_channel('webchat', 'discord', 'env:DISCORD_WEB');
  perform vigil.add_channel('rest', 'webhook', 'https://hooks.example.com/rest');
  perform vigil.add_route('critical', 'pager', p_min_severity => 'critical', p_continue => true, p_group_wait => '0');
  perform vigil.add_route('db', 'dbchat', p_matchers => array['team=db'], p_group_wait => '0', p_group_by => '{check,series}');
  perform vigil.add_route('web', 'webchat', p_matchers => array['team=~web|frontend', 'service!=billing'], p_group_wait => '0');
  perform vigil.add_route('rest', 'rest', p_group_wait => '0');
  perform test.set('c', 'x', 95, '{"team": "db"}');
  perform test.set('c', 'y', 85, '{"team": "db"}');
  perform test.set('c', 'z', 85, '{"team": "frontend"}');
  perform test.set('c', 'w', 85, '{"team": "ops"}');
  perform test.tick(0);
end $$;
select tap.results_eq($$select alerts from test.outbox() where channel = 'pager'$$, $$values ('x:firing')$$,
  'critical x matches the critical route, which says continue ...');
select tap.results_eq($$select alerts from test.outbox() where channel = 'dbchat' order by alerts$$,
  $$values ('x:firing'), ('y:firing')$$,
  '... so x also reaches the db route (team=db), which does not continue; y (warning, team=db) goes there only (grouped by check and series: two notifications)');
select tap.results_eq($$select alerts from test.outbox() where channel = 'webchat'$$, $$values ('z:firing')$$,
  'z (team=frontend, service shop) matches the web route''s regex and != matchers');
select tap.results_eq($$select alerts from test.outbox() where channel = 'rest'$$, $$values ('w:firing')$$,
  'w matches no earlier route and falls to the last one; x, y and z never reach it');

select * from tap.finish();
rollback;
