-- The morning report replays a day (2026-03-10 UTC) with p_now:
--   c b   fired the evening before (20:00) and resolved at 01:00;
--   c a   fired at 09:00, resolved at 09:30;
--   c y   fired 11:00-11:10 and 14:00-14:05;
--   f z   fired 12:00-12:15 and 13:00-13:15;
--   d x   fired at 22:00 and is still firing;
--   e     fails on every run (division by zero);
-- plus outbox rows and delivery attempts written directly, as the worker
-- would leave them, and samples of the database_size check. Time spent
-- firing counts up to the day's end or p_now, whichever comes first.
begin;
select tap.plan(31);
\ir fixtures.sql

insert into test.feed values ('c', 'y', 0), ('f', 'z', 0);
do $$ begin
  perform vigil.add_check(p_name => 'f', p_function => 'test.feed_check', p_warning => 80, p_critical => 90);
  perform test.step(test.at('20:00', -1), 'c', 'b', 85);
  perform test.step(test.at('01:00'), 'c', 'b', 0);
  perform test.step(test.at('09:00'), 'c', 'a', 85);
  perform test.step(test.at('09:30'), 'c', 'a', 0);
  perform test.step(test.at('11:00'), 'c', 'y', 95);
  perform test.step(test.at('11:10'), 'c', 'y', 0);
  perform test.step(test.at('12:00'), 'f', 'z', 85);
  perform test.step(test.at('12:15'), 'f', 'z', 0);
  perform test.step(test.at('13:00'), 'f', 'z', 85);
  perform test.step(test.at('13:15'), 'f', 'z', 0);
  perform test.step(test.at('14:00'), 'c', 'y', 85);
  perform test.step(test.at('14:05'), 'c', 'y', 0);
  perform test.step(test.at('22:00'), 'd', 'x', 85);
end $$;

-- Notifications: chat has one delivered, one dead (a 500, then a 404) and
-- one waiting; pager one delivered; and chat has an older dead letter from
-- the day before.
insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at, attempts, status, last_error, delivered_at)
values (test.at('09:00'), 'chat', 'alerts', 'k1', '{"summary": "warning: c a = 85"}', test.at('09:00'), 1, 'delivered', null, test.at('09:00')),
       (test.at('11:00'), 'chat', 'alerts', 'k2', '{"alerts": [{"summary": "critical: c y = 95"}]}', test.at('11:00'), 2, 'dead',
        'receiver said 404 Not Found', null),
       (test.at('22:00'), 'chat', 'alerts', 'k3', '{"summary": "warning: d x = 85"}', test.at('22:01'), 0, 'pending', null, null),
       (test.at('09:00'), 'pager', 'alerts', 'k4', '{"summary": "warning: c a = 85"}', test.at('09:00'), 1, 'delivered', null, test.at('09:00')),
       (test.at('21:00', -1), 'chat', 'heartbeat', 'k5', '{"summary": "heartbeat"}', test.at('21:00', -1), 1, 'dead', 'receiver said 400', null);
insert into vigil.delivery_attempts (outbox_id, channel, worker, attempt, started_at, latency_ms, outcome, http_status, error)
values (1, 'chat', 'w', 1, test.at('09:00'), 10, 'delivered', 200, null),
       (2, 'chat', 'w', 1, test.at('11:00'), 10, 'retry', 500, 'HTTP 500'),
       (2, 'chat', 'w', 2, test.at('11:05'), 10, 'dead', 404, 'receiver said 404 Not Found'),
       (4, 'pager', 'w', 1, test.at('09:00'), 10, 'delivered', 202, null),
       (5, 'chat', 'w', 1, test.at('21:00', -1), 10, 'dead', 400, 'receiver said 400');

-- A table big enough to be among the largest.
create table test.big (id integer primary key, pad text);
insert into test.big
select i, (select pg_catalog.string_agg(pg_catalog.md5((i * 100 + j)::text), '') from pg_catalog.generate_series(1, 30) j)
  from pg_catalog.generate_series(1, 3000) i;

-- The next morning, on the whole day.
create temp table r as select * from test.report('2026-03-10', test.at('08:00', 1));

select tap.results_eq(
  $$select section, item, value from r where ord = 1$$,
  $$values ('report', pg_catalog.current_database()::text collate "default", '2026-03-10')$$,
  'the first line names the database and the day');
select tap.is((select detail from r where ord = 1), '2026-03-10 00:00 to 2026-03-11 00:00 UTC, as of 2026-03-11 08:00',
  '... and gives the UTC day and the time of the report');
select tap.results_eq(
  $$select section from r group by section order by pg_catalog.min(ord)$$,
  $$values ('report'), ('alerts'), ('noisiest checks'), ('deliveries'), ('dead letters'), ('check errors'), ('database'),
           ('largest tables'), ('slowest statements')$$,
  'every section is there, in reading order, each in one block');

-- alerts
select tap.results_eq(
  $$select value, detail from r where section = 'alerts' and item = 'fired'$$,
  $$values ('6', '6 resolved, 1 still firing at the end of the day; 1 already firing when the day began')$$,
  'alerts: 6 firings in the day, 6 resolved, d x still firing at the end of the day, c b carried over from the evening before');
select tap.results_eq(
  $$select value, detail from r where section = 'alerts' and item = 'c a'$$,
  $$values ('00:30:00', 'warning, fired once: 09:00 to 09:30')$$,
  'an alert that fired at 09:00 and resolved at 09:30 spent 30 minutes firing');
select tap.results_eq(
  $$select value, detail from r where section = 'alerts' and item = 'd x'$$,
  $$values ('02:00:00', 'warning, fired once: 22:00 to now')$$,
  'one firing since 22:00 and still firing counts up to the end of the day: 2 hours');
select tap.results_eq(
  $$select value, detail from r where section = 'alerts' and item = 'c b'$$,
  $$values ('01:00:00', 'warning, fired before the day: 03-09 20:00 to 01:00')$$,
  'one that fired the evening before counts from 00:00 to its resolution at 01:00');
select tap.results_eq(
  $$select value, detail from r where section = 'alerts' and item = 'c y'$$,
  $$values ('00:15:00', 'critical, fired 2 times: 11:00 to 11:10, 14:00 to 14:05')$$,
  'one that fired twice: both spans, 15 minutes in all, its worst severity');
select tap.results_eq(
  $$select item from r where section = 'alerts' and item <> 'fired' order by ord$$,
  $$values ('d x'), ('c b'), ('c a'), ('f z'), ('c y')$$,
  'alerts come most time firing first (ties: the earliest first)');

-- noisiest checks
select tap.results_eq(
  $$select item, value from r where section = 'noisiest checks' order by ord$$,
  $$values ('c', '3 firings'), ('f', '2 firings'), ('d', '1 firing')$$,
  'noisiest checks: ordered by the number of firings in the day');
select tap.is((select detail from r where section = 'noisiest checks' and item = 'c'),
  '3 series, 01:45:00 firing in all, worst critical',
  '... with their series, time firing and worst severity');

-- deliveries and dead letters
select tap.results_eq(
  $$select item, value, detail from r where section = 'deliveries' order by ord$$,
  $$values ('chat', '3 notifications', 'delivered 1, dead 1, waiting 1; attempts 3, failed 2'),
           ('pager', '1 notification', 'delivered 1, dead 0, waiting 0; attempts 1, failed 0'),
           ('backlog', '1 waiting', 'oldest created 2026-03-10 22:00; select * from vigil.delivery_backlog;')$$,
  'deliveries: per channel, delivered, dead and waiting, attempts and failures; then the backlog');
select tap.results_eq(
  $$select item, value, detail from r where section = 'dead letters' and item like '#%'$$,
  $$values ('#2 chat', '2 attempts', 'dead at 11:05: HTTP 404 receiver said 404 Not Found; critical: c y = 95')$$,
  'dead letters: the one that went dead in the day, with its last HTTP status, error and summary (not the older one)');
select tap.is((select value from r where section = 'dead letters' and item = 'waiting for replay'), '2',
  '... and how many dead letters wait for a replay, the older one included');

-- check errors
select tap.results_eq(
  $$select item, value, detail from r where section = 'check errors' order by ord$$,
  $$values ('runs', '48 runs', '36 ok, 12 error, 0 timeout, of 4 checks'),
           ('e', '12 errors', 'last at 22:00 (SQLSTATE 22012): division by zero')$$,
  'check errors: the runs of the day, then the failing check, counted, with its last error');

-- database
-- (The size is read twice, by the report and here, and the files of a
-- database in use may grow in between: within 10%.)
select tap.ok(
  (select r.detail ~ '^\d+ bytes now \(pg_database_size\)$'
          and r.value = pg_catalog.pg_size_pretty(pg_catalog.split_part(r.detail, ' ', 1)::bigint)
          and pg_catalog.abs(pg_catalog.split_part(r.detail, ' ', 1)::numeric
                             - pg_catalog.pg_database_size(pg_catalog.current_database()))
              <= 0.1 * pg_catalog.pg_database_size(pg_catalog.current_database())
     from vigil.report(p_now => test.at('08:00', 1)) r where r.section = 'database' and r.item = 'size'),
  'database: its size now');
select tap.matches((select value || ' / ' || detail from r where section = 'database' and item = 'growth'),
  '^unknown / growth: no sample near the end of the day',
  '... no growth for a past day without a sample near its end');
select tap.matches(
  (select value || ' / ' || detail from test.report(p_now => test.at('23:00')) where section = 'database' and item = 'growth'),
  '^unknown / growth: no earlier sample',
  '... nor for today without an earlier sample');

-- largest tables
select tap.results_eq(
  $$select value from r where section = 'largest tables' and item = 'test.big'$$,
  $$select pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size('test.big'))$$,
  'largest tables: the big table is there, with its total size');
select tap.ok((select detail from r where section = 'largest tables' and item = 'test.big') ~ '^data .*, indexes .*, (never analyzed|about 3,000 rows)$',
  '... data, indexes and rows');
select tap.ok(
  (select pg_catalog.count(*) from r where section = 'largest tables') between 1 and 10
  and (select pg_catalog.min(ord) from r where section = 'largest tables' and item = 'test.big')
      = (select pg_catalog.min(ord) from r where section = 'largest tables'),
  '... at most 10, the biggest first');
select tap.is_empty(
  $$select item from r where section = 'largest tables' and item ~ '^vigil\.(alert_events|check_runs|samples)_'$$,
  '... a partitioned table counts once, with its partitions');

-- Samples of database_size: the aggregate row ('*', bytes without a
-- capacity) and the exact series row, which wins at the same time.
insert into vigil.samples (at, check_name, series, value, detail)
values (test.at('00:00'), 'database_size', '*', 1000000, '{}'),
       (test.at('00:00'), 'database_size', pg_catalog.current_database(), 1000000, '{"size_bytes": 2000000}'),
       (test.at('00:00', 1), 'database_size', '*', 3000000, '{}'),
       (test.at('12:00', -5), 'database_size', '*', 1, '{}');
select tap.results_eq(
  $$select value, detail from test.report('2026-03-10', test.at('08:00', 1)) where section = 'database' and item = 'growth'$$,
  $$values ('+977 kB', 'from 1953 kB at 2026-03-10 00:00 to 2930 kB at 2026-03-11 00:00 (24.0 hours)')$$,
  'growth of a past day: from the sample nearest its start to the one nearest its end');
select tap.matches(
  (select value || ' / ' || detail from test.report(p_now => test.at('23:00')) where section = 'database' and item = 'growth'),
  '^[+-]?[0-9]+ [kMG]?B / from 1953 kB at 2026-03-10 00:00 to [0-9]+ [kMG]?B at 2026-03-10 23:00 \(23\.0 hours\)$',
  'growth today: from the sample nearest 24 hours ago to the size now');

-- The same day as it was at 23:00, and at 09:15: nothing after p_now counts.
select tap.results_eq(
  $$select item, value, detail from test.report(p_now => test.at('23:00'), p_section => 'alerts') where item in ('fired', 'd x')$$,
  $$values ('fired', '6', '6 resolved, 1 still firing at report time; 1 already firing when the day began'),
           ('d x', '01:00:00', 'warning, fired once: 22:00 to now')$$,
  'at 23:00 the day is not over: d x has been firing for an hour, up to now');
select tap.results_eq(
  $$select item, value, detail from test.report(p_now => test.at('09:15'), p_section => 'alerts')$$,
  $$values ('fired', '1', '1 resolved, 1 still firing at report time; 1 already firing when the day began'),
           ('c b', '01:00:00', 'warning, fired before the day: 03-09 20:00 to 01:00'),
           ('c a', '00:15:00', 'warning, fired once: 09:00 to now')$$,
  'at 09:15, what happened later is left out: c a has been firing for 15 minutes');
select tap.results_eq(
  $$select item, value from test.report(p_now => test.at('09:15'), p_section => 'check errors')$$,
  $$values ('runs', '8 runs'), ('e', '2 errors')$$,
  '... and the runs after 09:15 too');

-- Another time zone: the day is Berlin's (UTC+1 in March).
select tap.is(
  (select detail from vigil.report('2026-03-10', 'Europe/Berlin', test.at('08:00', 1)) where section = 'report'),
  '2026-03-10 00:00 to 2026-03-11 00:00 Europe/Berlin, as of 2026-03-11 09:00',
  'p_time_zone: the day and the times are local');
select tap.results_eq(
  $$select r.item, r.value, r.detail from vigil.report('2026-03-10', 'Europe/Berlin', test.at('08:00', 1)) r
     where r.section = 'alerts' and r.item in ('c a', 'd x') order by r.item$$,
  $$values ('c a', '00:30:00', 'warning, fired once: 10:00 to 10:30'),
           ('d x', '01:00:00', 'warning, fired once: 23:00 to now')$$,
  '... d x fired at 23:00 Berlin time, an hour before the local day ended');

-- A quiet day: every section still says something.
select tap.results_eq(
  $$select section, item, value, detail from test.report('2026-03-05', test.at('08:00', 1))
     where section in ('alerts', 'noisiest checks', 'deliveries', 'dead letters', 'check errors') order by ord$$,
  $$values ('alerts', 'fired', '0', 'no alert fired or was firing during the day'),
           ('noisiest checks', 'none', null, 'no check fired during the day'),
           ('deliveries', 'none', '0 notifications', 'nothing was sent during the day'),
           ('deliveries', 'backlog', '1 waiting', 'oldest created 2026-03-10 22:00; select * from vigil.delivery_backlog;'),
           ('dead letters', 'none', '0', 'no notification went dead during the day'),
           ('dead letters', 'waiting for replay', '2',
            'all dead letters: select * from vigil.dead_letters; once the cause is fixed: select vigil.replay_dead(<id>);'),
           ('check errors', 'runs', '0 runs', 'no check ran during the day: is vigil.tick() running (pg_cron or the worker)?')$$,
  'a quiet day: each section says there was nothing');

select tap.lives_ok('select * from vigil.report()', 'the defaults: today so far, UTC, now');

select * from tap.finish();
rollback;
