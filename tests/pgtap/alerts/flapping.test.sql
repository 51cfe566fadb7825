-- Flapping (docs/alert-state.md, "Flapping (Nagios)"): each evaluation of a
-- row appends 1 (pending or firing after it) or 0 to its history, kept to
-- flap_window entries; the percent state change weighs the i-th of the n-1
-- transitions (oldest i = 1) 0.8 + 0.4 * (i - 1) / (n - 2) and is
-- 100 * sum(weights of changes) / (n - 1). The expected percents are computed
-- here, independently, by test.nagios from the history the script implies.
--
-- flappy (window 21, start 20, stop 5, warning 80): fires at 12:00 and holds
-- to 12:20 (21 ones: 0 %), then alternates 50, 85, 50, 85 at 12:21-12:24.
-- With a full window the four changes weigh 1.2, 1.1789, 1.1579, 1.1368:
-- 6 %, 11.89 %, 17.68 %, then 23.37 % >= 20 at 12:24 -> flapping_started
-- (written after that run's firing event). It then holds at 85: the changes
-- slide to older, lighter positions and out of the window; at 12:42 only the
-- two oldest transitions are changes (8.11 %), at 12:43 only the oldest
-- (0.8 / 20 = 4 % < 5) -> flapping_stopped.
--
-- blip (window 21, start 20, stop 4.5): fires once at 12:00 and resolves at
-- 12:01. The window is always 21 entries, older ones counting as 0 (the
-- series was OK before), as in Nagios: 0,...,0,1,0 is two changes at the two
-- newest positions, (1.1789 + 1.2) / 20 = 11.89 % < 20: a single fire and
-- resolve is not flapping. The resolved row keeps being evaluated with 0s and
-- is deleted at 12:21, when the 1 has left the window.
--
-- blip_late (as blip, but flap_stop 3): the same, never flapping; its row is
-- deleted at 12:21 too, with no event.
--
-- Evaluations go through vigil.tick (fixtures.sql): one tick per replayed
-- minute runs the three checks.
begin;
select tap.plan(29);
\ir fixtures.sql

create table test.feed (check_name text, series text, value double precision, primary key (check_name, series));
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$
  select f.series, f.value, '{}'::jsonb, null::jsonb from test.feed f where f.check_name = p_params->>'_check' $$;

-- The script: the value of series a of each check at each minute.
create table test.script (check_name text, minute integer, value double precision, primary key (check_name, minute));
insert into test.script
select 'flappy', m, case m when 21 then 50 when 23 then 50 else 85 end from pg_catalog.generate_series(0, 45) m
union all
select 'blip', m, case when m = 0 then 85 else 50 end from pg_catalog.generate_series(0, 45) m
union all
select 'blip_late', m, case when m = 0 then 85 else 50 end from pg_catalog.generate_series(0, 45) m;

-- Plays minutes p_from..p_to: for each minute, sets every check's value from
-- the script, then ticks once (the tick runs all three checks; test.tick: each
-- must run ok).
create function test.play(p_from integer, p_to integer) returns void language plpgsql set search_path = '' as $$
begin
  for m in p_from .. p_to loop
    insert into test.feed as f (check_name, series, value)
    select s.check_name, 'a', s.value from test.script s where s.minute = m
    on conflict (check_name, series) do update set value = excluded.value;
    perform test.tick(m);
  end loop;
end $$;

-- Nagios percent state change of a history string of 0s and 1s, oldest first.
create function test.nagios(p_history text) returns numeric language sql immutable set search_path = '' as $$
  select case when l.n < 3 then null else
           100 * (select pg_catalog.sum(case when pg_catalog.substr(p_history, i, 1) <> pg_catalog.substr(p_history, i + 1, 1)
                                             then 0.8 + 0.4 * (i - 1) / (l.n - 2)::numeric else 0 end)
                    from pg_catalog.generate_series(1, l.n - 1) i) / (l.n - 1) end
    from (select pg_catalog.length(p_history) as n) l $$;
-- The history of a check's row after minute p_minute (1 = firing: no for, no hysteresis), last 21 entries.
create function test.history(p_check text, p_minute integer) returns text language sql stable set search_path = '' as $$
  select pg_catalog.right(pg_catalog.string_agg(case when s.value >= 80 then '1' else '0' end, '' order by s.minute), 21)
    from test.script s where s.check_name = p_check and s.minute <= p_minute $$;
create function test.expected(p_check text, p_minute integer) returns numeric language sql stable set search_path = ''
  as $$ select pg_catalog.round(test.nagios(pg_catalog.lpad(test.history(p_check, p_minute), 21, '0')), 4) $$;
create function test.have(p_check text) returns numeric language sql stable set search_path = ''
  as $$ select pg_catalog.round(s.flap_percent::numeric, 4) from vigil.alert_state s where s.check_name = p_check and s.series = 'a' $$;
create function test.flapping(p_check text) returns boolean language sql stable set search_path = ''
  as $$ select s.flapping from vigil.alert_state s where s.check_name = p_check and s.series = 'a' $$;
create function test.events(p_check text) returns table (at timestamptz, event text)
language sql set search_path = '' as $$
  select e.at, e.event from vigil.alert_events e where e.check_name = p_check order by e.id $$;

delete from vigil.checks;  -- only this file's checks
do $$
begin
  perform vigil.add_check(p_name => 'flappy', p_function => 'test.feed_check', p_warning => 80,
                          p_flap_window => 21, p_flap_start => 20, p_flap_stop => 5);
  perform vigil.add_check(p_name => 'blip', p_function => 'test.feed_check', p_warning => 80,
                          p_flap_window => 21, p_flap_start => 20, p_flap_stop => 4.5);
  perform vigil.add_check(p_name => 'blip_late', p_function => 'test.feed_check', p_warning => 80,
                          p_flap_window => 21, p_flap_start => 20, p_flap_stop => 3);
end $$;

-- The test's own arithmetic, against the numbers worked out by hand above.
select tap.is(test.expected('flappy', 24), 23.3684::numeric, 'test.nagios: 1x17 0 1 0 1 is 23.3684 %');

do $$ begin perform test.play(0, 1); end $$;
select tap.results_eq($$select * from test.events('blip')$$,
  $$values (test.t(0), 'firing'), (test.t(1), 'resolved')$$,
  'blip: one fire and resolve is two changes in a 21-entry window (11.89 %): no flapping event');
select tap.is(test.flapping('blip'), false, '... blip is not flapping');
select tap.is(test.have('blip'), 11.8947::numeric, '... its percent is 11.89');
do $$ begin perform test.play(2, 2); end $$;
select tap.is(test.have('blip'), test.expected('blip', 2), 'blip 12:02: the two changes slide to older, lighter positions');

do $$ begin perform test.play(3, 17); end $$;
select tap.is(test.have('blip'), test.expected('blip', 17), 'blip 12:17: the Nagios percent over the padded window');
select tap.is(test.flapping('blip'), false, '... still not flapping');
do $$ begin perform test.play(18, 18); end $$;
select tap.is(test.have('blip'), test.expected('blip', 18), 'blip 12:18: the Nagios percent over the padded window');

do $$ begin perform test.play(19, 20); end $$;
select tap.is(test.have('flappy'), 0::numeric, 'flappy 12:20, 21 ones: 0 %');
select tap.is(test.flapping('flappy'), false, '... not flapping');
select tap.isnt_empty($$select 1 from vigil.alert_state where check_name = 'blip'$$,
  'blip 12:20: the resolved row is kept while its 21 entries still hold the 1');
select tap.is(test.have('blip_late'), test.expected('blip_late', 20), 'blip_late 12:20, 1 and 20 zeros: 4 %');
select tap.is(test.flapping('blip_late'), false, '... never flapping');

do $$ begin perform test.play(21, 21); end $$;
select tap.is(test.have('flappy'), test.expected('flappy', 21), 'flappy 12:21 (50): 6 %');
select tap.is_empty($$select 1 from vigil.alert_state where check_name = 'blip'$$,
  'blip 12:21: the 1 has left the window, not flapping: the row is deleted');
select tap.is_empty($$select 1 from vigil.alert_state where check_name = 'blip_late'$$,
  'blip_late 12:21: the 1 has left the window: the row is deleted');
select tap.results_eq($$select * from test.events('blip_late')$$,
  $$values (test.t(0), 'firing'), (test.t(1), 'resolved')$$,
  '... with no event for the deletion');

do $$ begin perform test.play(22, 23); end $$;
select tap.is(test.have('flappy'), test.expected('flappy', 23), 'flappy 12:23 (85, 50): 17.68 %');
select tap.is(test.flapping('flappy'), false, '... still below flap_start 20: not flapping');
do $$ begin perform test.play(24, 24); end $$;
select tap.is(test.have('flappy'), test.expected('flappy', 24), 'flappy 12:24 (85): 23.37 %');
select tap.is(test.flapping('flappy'), true, '... >= 20: flapping');
select tap.results_eq($$select * from test.events('flappy')$$,
  $$values (test.t(0), 'firing'), (test.t(21), 'resolved'), (test.t(22), 'firing'), (test.t(23), 'resolved'),
           (test.t(24), 'firing'), (test.t(24), 'flapping_started')$$,
  'flappy events: flapping_started at 12:24, after that run''s firing event');

do $$ begin perform test.play(25, 42); end $$;
select tap.is(test.have('flappy'), test.expected('flappy', 42), 'flappy 12:42: 8.11 %');
select tap.is(test.flapping('flappy'), true, '... not below flap_stop 5: still flapping');

do $$ begin perform test.play(43, 43); end $$;
select tap.is(test.have('flappy'), test.expected('flappy', 43), 'flappy 12:43: 4 %');
select tap.is(test.flapping('flappy'), false, '... < 5: no longer flapping');
select tap.results_eq($$select * from test.events('flappy') where at > test.t(24)$$,
  $$values (test.t(43), 'flapping_stopped')$$,
  'flappy: flapping_stopped at 12:43 and nothing else after 12:24 (still firing)');

select tap.results_eq($$select * from test.events('blip')$$,
  $$values (test.t(0), 'firing'), (test.t(1), 'resolved')$$,
  'blip events: firing and resolved only, nothing when deleted');
select tap.is_empty($$select 1 from vigil.alert_state where check_name = 'blip'$$,
  'blip at 12:43: a series below the threshold and without a row gets no row');

select * from tap.finish();
rollback;
