-- Validation and defaults of the alert-state settings (docs/alert-state.md,
-- "Settings"): add_check rejects, with SQLSTATE 22023 and without writing
-- anything, an exit threshold that is not strictly less severe than its
-- enter threshold (above: exit < enter; below: exit > enter; equal is
-- rejected both ways), an unknown no_data policy, a no_data_after or
-- flap_window that is not positive, and flap_stop >= flap_start. A check
-- added without these settings gets the contract's defaults.
-- An exit threshold without its enter threshold is taken as rejected too:
-- the contract allows an exit only as "strictly below (above) its enter
-- threshold" and rejects "anything else".
begin;
select tap.plan(24);

create schema test;
create function test.ok_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select 'a'::text, 1::double precision, '{}'::jsonb, null::jsonb $$;

delete from vigil.checks;  -- only this file's checks

select tap.lives_ok(
  $$select vigil.add_check(p_name => 'good_above', p_function => 'test.ok_check',
      p_warning => 80, p_warning_exit => 70, p_critical => 90, p_critical_exit => 85,
      p_for => '5 minutes', p_keep_firing_for => '10 minutes', p_no_data => 'alert', p_no_data_after => 3,
      p_flap_window => 10, p_flap_start => 30, p_flap_stop => 10, p_ack_timeout => '1 hour')$$,
  'a check with every alert setting valid is added');
select tap.lives_ok(
  $$select vigil.add_check(p_name => 'good_below', p_function => 'test.ok_check', p_direction => 'below',
      p_warning => 99, p_warning_exit => 99.5, p_critical => 95, p_critical_exit => 96, p_no_data => 'keep')$$,
  'direction below with exits above the enter thresholds is added');
select tap.results_eq(
  $$select warning_exit, critical_exit, for_duration, keep_firing_for, no_data, no_data_after,
           flap_window, flap_start, flap_stop, ack_timeout
      from vigil.checks where name = 'good_above'$$,
  $$values (70::double precision, 85::double precision, '5 minutes'::interval, '10 minutes'::interval, 'alert', 3,
            10, 30::double precision, 10::double precision, '1 hour'::interval)$$,
  'the settings are stored');

do $$ begin perform vigil.add_check(p_name => 'plain', p_function => 'test.ok_check', p_warning => 80); end $$;
select tap.results_eq(
  $$select warning_exit, critical_exit, for_duration, keep_firing_for, no_data, no_data_after,
           flap_window, flap_start, flap_stop, ack_timeout
      from vigil.checks where name = 'plain'$$,
  $$values (null::double precision, null::double precision, '0'::interval, '0'::interval, 'ok', 2,
            21, 20::double precision, 5::double precision, '30 minutes'::interval)$$,
  'defaults: no exits, for 0, keep_firing_for 0, no_data ok after 2, flap 21/20/5, ack_timeout 30 minutes');

-- Exit thresholds, direction above: exit must be < enter.
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_warning => 80, p_warning_exit => 80)$$,
  '22023', null, 'above: warning_exit = warning is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_warning => 80, p_warning_exit => 81)$$,
  '22023', null, 'above: warning_exit > warning is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_critical => 90, p_critical_exit => 90)$$,
  '22023', null, 'above: critical_exit = critical is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_critical => 90, p_critical_exit => 95)$$,
  '22023', null, 'above: critical_exit > critical is rejected');
-- Direction below: exit must be > enter.
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_direction => 'below', p_warning => 99, p_warning_exit => 99)$$,
  '22023', null, 'below: warning_exit = warning is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_direction => 'below', p_warning => 99, p_warning_exit => 98)$$,
  '22023', null, 'below: warning_exit < warning is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_direction => 'below', p_critical => 95, p_critical_exit => 95)$$,
  '22023', null, 'below: critical_exit = critical is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_direction => 'below', p_critical => 95, p_critical_exit => 90)$$,
  '22023', null, 'below: critical_exit < critical is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_warning_exit => 70)$$,
  '22023', null, 'an exit threshold without its enter threshold is rejected');

-- no_data.
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_no_data => 'maybe')$$,
  '22023', null, 'an unknown no_data policy is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_no_data => null)$$,
  '22023', null, 'a null no_data policy is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_no_data_after => 0)$$,
  '22023', null, 'no_data_after 0 is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_no_data_after => -1)$$,
  '22023', null, 'a negative no_data_after is rejected');

-- Flapping.
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_flap_window => 0)$$,
  '22023', null, 'flap_window 0 is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_flap_window => -21)$$,
  '22023', null, 'a negative flap_window is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_flap_start => 20, p_flap_stop => 20)$$,
  '22023', null, 'flap_stop = flap_start is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_flap_start => 20, p_flap_stop => 25)$$,
  '22023', null, 'flap_stop > flap_start is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_flap_stop => 30)$$,
  '22023', null, 'flap_stop above the default flap_start 20 is rejected');

select tap.is((select pg_catalog.count(*)::int from vigil.checks where name = 'x'), 0, 'nothing was written by the rejected calls');
select tap.set_eq($$select name from vigil.checks$$, $$values ('good_above'), ('good_below'), ('plain')$$,
  '... only the valid checks exist');

select * from tap.finish();
rollback;
