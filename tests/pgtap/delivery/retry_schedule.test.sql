-- The retry schedule (vigil.retry_schedule) and vigil._retry_delay: the
-- issue's defaults, ±10% jitter from the random number passed in, a longer
-- Retry-After wins, no row means give up, and a DBA can change the rows.
begin;
select tap.plan(10);

select tap.results_eq(
  $$select attempt, delay from vigil.retry_schedule order by attempt$$,
  $$values (1, '0'::interval), (2, '5 seconds'), (3, '30 seconds'), (4, '2 minutes'), (5, '10 minutes'),
           (6, '30 minutes'), (7, '1 hour'), (8, '2 hours'), (9, '6 hours'), (10, '12 hours')$$,
  'the default schedule: 0, 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 6 h, 12 h');
select tap.is(vigil._retry_delay((select pg_catalog.max(attempt) from vigil.retry_schedule) + 1, null, 0.5), null::interval,
  'after the 11th attempt the schedule runs out, below outbox.max_attempts (default 12)');
select tap.ok(pg_catalog.obj_description('vigil.retry_schedule'::regclass, 'pg_class') ~ 'Standard Webhooks',
  'the table''s comment says why alerts retry for hours, not days');

select tap.is(vigil._retry_delay(4, null, 0), interval '108 seconds', 'p_random 0: 90% of the delay (2 min after attempt 4)');
select tap.is(vigil._retry_delay(4, null, 0.5), interval '2 minutes', 'p_random 0.5: the delay');
select tap.is(vigil._retry_delay(4, null, 1), interval '132 seconds', 'p_random 1: 110% of the delay');
select tap.is(vigil._retry_delay(4, '5 minutes', 1), interval '5 minutes', 'a Retry-After longer than the jittered delay wins');
select tap.is(vigil._retry_delay(4, '1 minute', 0.5), interval '2 minutes', 'a shorter Retry-After does not shorten the schedule');
select tap.is(vigil._retry_delay(11, '1 minute', 0.5), null::interval, 'no schedule row for the attempt: null (give up), Retry-After or not');

update vigil.retry_schedule set delay = '1 minute' where attempt = 2;
select tap.is(vigil._retry_delay(2, null, 0.5), interval '1 minute', 'a changed row takes effect at once');

select * from tap.finish();
rollback;
