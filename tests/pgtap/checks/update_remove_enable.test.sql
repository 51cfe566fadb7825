-- update_check, remove_check, enable_check and disable_check change exactly
-- what they say, validate like add_check, and name unknown checks.
begin;
select tap.plan(9);

create schema test;
create function test.ok_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select 'a'::text, 1::double precision, '{}'::jsonb, null::jsonb $$;

do $$ begin perform vigil.add_check(p_name => 'c1', p_function => 'test.ok_check', p_warning => 10, p_critical => 20, p_labels => '{"team": "db"}'); end $$;

select tap.is((select c.warning from vigil.update_check('c1', p_warning => 15) c), 15::double precision,
  'update_check changes the warning threshold');
select tap.is((select labels->>'team' from vigil.checks where name = 'c1'), 'db', '... and leaves other settings alone');
select tap.throws_ok($$select vigil.update_check('c1', p_warning => 50)$$, '22023', null,
  'update_check validates the result as a whole (warning above critical)');
select tap.is((select warning from vigil.checks where name = 'c1'), 15::double precision, '... and changes nothing then');
select tap.throws_ok($$select vigil.update_check('nope', p_warning => 1)$$, 'P0002', 'check ''nope'' does not exist',
  'update_check names an unknown check');

select tap.is((select c.enabled from vigil.disable_check('c1') c), false, 'disable_check disables');
select tap.is((select c.enabled from vigil.enable_check('c1') c), true, 'enable_check enables');
select tap.is((select c.name from vigil.remove_check('c1') c), 'c1', 'remove_check returns the removed check');
select tap.throws_ok($$select vigil.remove_check('c1')$$, 'P0002', null, 'removing it twice names the unknown check');

select * from tap.finish();
rollback;
