-- A mixed flap history can become all 1s in one evaluation, once its last 0
-- slides out of the window (flap_window 3: 011 + 1 = 111). The percent is
-- then 0 (no change), not NULL: run_check used to fail there with "null
-- value in column flap_percent".
--
-- small (window 3, warning 80): fires at 12:00-12:02 (111), resolves at 12:03
-- (110), fires again from 12:04 (101, 011, then 111 at 12:06).
begin;
select tap.plan(3);
\ir fixtures.sql

create table test.feed (series text primary key, value double precision);
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$ select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f $$;

do $$ begin
  delete from vigil.checks;
  perform vigil.add_check(p_name => 'small', p_function => 'test.feed_check', p_warning => 80, p_flap_window => 3);
end $$;

create function test.play(p_from integer, p_to integer) returns void language plpgsql set search_path = '' as $$
begin
  for m in p_from .. p_to loop
    insert into test.feed as f (series, value) values ('a', case when m = 3 then 50 else 85 end)
    on conflict (series) do update set value = excluded.value;
    perform test.tick(m);
  end loop;
end $$;

select tap.lives_ok($$select test.play(0, 5)$$, 'fire, resolve, fire again: 111, 110, 101, 011');
select tap.lives_ok($$select test.play(6, 7)$$, 'the evaluation that turns 011 into 111 runs ok');
select tap.is((select s.flap_percent from vigil.alert_state s where s.check_name = 'small'), 0::double precision,
  'with no change left in the window, the percent state change is 0');

select * from tap.finish();
rollback;
