-- A recurring maintenance window, daily 01:00-03:00 America/New_York,
-- replayed through vigil.tick across both DST changes of 2026:
-- - 8 March (02:00 EST jumps to 03:00 EDT): the window is 06:00-07:00 UTC,
--   one hour long; an alert firing at 06:10 UTC is held back and goes out at
--   07:00 UTC (a clock that ignored DST would wait until 08:00);
-- - 9 March (EDT): 05:00-07:00 UTC; an alert firing at 05:10 UTC (01:10 EDT)
--   is held back (ignoring DST, 05:10 UTC would be 00:10 and not held);
-- - 1 November (01:00-02:00 happens twice, then EST): 05:00-08:00 UTC,
--   three hours; an alert firing at 07:30 UTC goes out at 08:00 UTC.
begin;
select tap.plan(3);
\ir fixtures.sql

-- Minutes from test.t(0) of an instant, for test.tick.
create function test.m(p_at timestamptz) returns integer language sql immutable set search_path = ''
  as $$ select (pg_catalog.date_part('epoch', p_at - test.t(0)) / 60)::integer $$;
-- When each series first went out.
create function test.first_sent() returns table (series text, sent_at timestamptz) language sql set search_path = '' as $$
  select a ->> 'series', pg_catalog.min(o.created_at)
    from vigil.outbox o, pg_catalog.jsonb_array_elements(o.payload -> 'alerts') a
   group by 1 order by 1 $$;

do $$ begin
  perform vigil.add_check(p_name => 'c', p_function => 'test.feed_check', p_warning => 80);
  perform vigil.add_channel('chat', 'webhook', 'https://chat.example.com/hook');
  perform vigil.add_route('all', 'chat', p_group_wait => '0', p_group_by => '{series}');
  perform vigil.add_maintenance_window('nightly batch', p_weekdays => array[1, 2, 3, 4, 5, 6, 7],
                                       p_start_time => '01:00', p_end_time => '03:00', p_time_zone => 'America/New_York');
  -- 8 March.
  perform test.set('c', 'mar8', 85);
  perform test.tick(test.m('2026-03-08 06:10+00'));
  perform test.tick(test.m('2026-03-08 06:59+00'));
  perform test.tick(test.m('2026-03-08 07:00+00'));
  perform test.set('c', 'mar8', 0);
  perform test.tick(test.m('2026-03-08 07:01+00'));
  -- 9 March.
  perform test.set('c', 'mar9', 85);
  perform test.tick(test.m('2026-03-09 05:10+00'));
  perform test.tick(test.m('2026-03-09 06:59+00'));
  perform test.tick(test.m('2026-03-09 07:00+00'));
  perform test.set('c', 'mar9', 0);
  perform test.tick(test.m('2026-03-09 07:01+00'));
  -- 1 November.
  perform test.set('c', 'nov1', 85);
  perform test.tick(test.m('2026-11-01 07:30+00'));
  perform test.tick(test.m('2026-11-01 07:59+00'));
  perform test.tick(test.m('2026-11-01 08:00+00'));
end $$;
select tap.results_eq($$select * from test.first_sent() where series = 'mar8'$$,
  $$values ('mar8', '2026-03-08 07:00+00'::timestamptz)$$,
  '8 March (spring forward): held from 06:10 UTC, out at 07:00 UTC = 03:00 EDT');
select tap.results_eq($$select * from test.first_sent() where series = 'mar9'$$,
  $$values ('mar9', '2026-03-09 07:00+00'::timestamptz)$$,
  '9 March (EDT): held from 05:10 UTC = 01:10 EDT, out at 07:00 UTC');
select tap.results_eq($$select * from test.first_sent() where series = 'nov1'$$,
  $$values ('nov1', '2026-11-01 08:00+00'::timestamptz)$$,
  '1 November (fall back): held at 07:30 UTC = 02:30 EST, out at 08:00 UTC = 03:00 EST');

select * from tap.finish();
rollback;
