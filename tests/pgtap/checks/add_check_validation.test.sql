-- vigil.add_check validates every input: a clear SQLSTATE, a message naming
-- the bad value, a HINT, and nothing half-applied.
begin;
select tap.plan(25);

create schema test;
create function test.ok_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select 'a'::text, 1::double precision, '{}'::jsonb, null::jsonb $$;
create function test.wrong_shape(p_params jsonb)
returns table (series text, value text)
language sql set search_path = '' as $$ select 'a'::text, 'x'::text $$;
-- The hint of the error a statement raises, or null.
create function test.hint_of(p_sql text) returns text language plpgsql set search_path = '' as $$
declare v_hint text;
begin
  execute p_sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return v_hint;
end $$;

select tap.lives_ok(
  $$select vigil.add_check(p_name => 'good', p_function => 'test.ok_check', p_warning => 10, p_critical => 20)$$,
  'a valid check is added');
select tap.is((select function_name from vigil.checks where name = 'good'), 'test.ok_check', 'the function name is stored schema-qualified');

select tap.throws_ok($$select vigil.add_check(p_name => 'Bad Name', p_function => 'test.ok_check')$$,
  '22023', 'invalid check name: ''Bad Name''', 'a name that is not a slug is rejected');
select tap.matches(test.hint_of($$select vigil.add_check(p_name => 'Bad Name', p_function => 'test.ok_check')$$),
  'slug', '... with a hint saying what a slug is');

select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.nope')$$,
  '42883', 'check function test.nope(jsonb) does not exist', 'a missing function is rejected');
select tap.matches(test.hint_of($$select vigil.add_check(p_name => 'x', p_function => 'test.nope')$$),
  'schema-qualified', '... with a hint about the signature');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'ok_check')$$,
  '42883', null, 'an unqualified function name is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.wrong_shape')$$,
  '42P13', 'function test.wrong_shape(jsonb) does not have the check signature', 'a function of the wrong shape is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check; drop table vigil.checks')$$,
  '42883', null, 'SQL in the function name is not executed');

select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_every => '0 seconds')$$,
  '22023', 'check interval must be positive, not 00:00:00', 'a zero interval is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_every => '-1 minute')$$,
  '22023', null, 'a negative interval is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_every => '1 month')$$,
  '22023', 'check interval 1 mon has months or years in it', 'an interval in months is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_timeout => '0 s')$$,
  '22023', null, 'a zero timeout is rejected');

select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_warning => 20, p_critical => 10)$$,
  '22023', 'critical threshold 10 is below warning threshold 20 for a check whose direction is above',
  'thresholds that do not suit direction above are rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_direction => 'below', p_warning => 10, p_critical => 20)$$,
  '22023', 'critical threshold 20 is above warning threshold 10 for a check whose direction is below',
  'thresholds that do not suit direction below are rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_warning => 'NaN')$$,
  '22023', null, 'a NaN threshold is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_direction => 'sideways')$$,
  '22023', 'check direction must be above or below, not ''sideways''', 'an unknown direction is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_labels => '{"tier": 1}')$$,
  '22023', 'check label values must be strings; not so for: tier', 'a label that is not a string is rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'x', p_function => 'test.ok_check', p_params => '[1]')$$,
  '22023', 'check params must be a JSON object, not [1]', 'params that are not an object are rejected');
select tap.throws_ok($$select vigil.add_check(p_name => 'good', p_function => 'test.ok_check')$$,
  '23505', 'check good already exists', 'a duplicate name is rejected');

select tap.throws_ok(
  $$select vigil.add_check(p_name => 'fresh', p_function => 'vigil.check_freshness',
                           p_params => '{"table": "public.no_such_table", "column": "created_at"}')$$,
  '22023', null, 'params naming a table that does not exist are refused at registration');
select tap.matches(test.hint_of($$select vigil.add_check(p_name => 'custom', p_function => 'vigil.check_custom_value',
                           p_params => '{"sql": "select frobnicate"}')$$),
  '.', 'custom SQL that does not run is refused, with a hint');
select tap.throws_ok($$select vigil.update_check('good', p_params => '{"x": 1}', p_function => 'vigil.check_freshness')$$,
  '22023', null, 'update_check tries new params too');

select tap.is((select pg_catalog.count(*)::int from vigil.checks where name in ('x', 'Bad Name', 'fresh', 'custom')), 0,
  'nothing was written by the rejected calls');

select tap.is(
  (select c.warning from vigil.update_check('good', p_warning => 'NaN') c), null::double precision,
  'update_check removes a threshold given NaN');

select * from tap.finish();
rollback;
