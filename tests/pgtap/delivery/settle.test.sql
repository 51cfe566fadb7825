-- vigil.settle_delivery: delivered, retry (the schedule with jitter, or a
-- longer Retry-After), dead; the last attempt goes dead; every settle
-- records an attempt; only the lease owner may settle.
begin;
select tap.plan(16);
\ir fixtures.sql

do $$ begin
  perform test.enqueue('chat', 0);
  perform test.enqueue('chat', 1);
  perform test.enqueue('chat', 2);
  perform test.enqueue('hook', 3);
  perform test.claim('w1', 10, 5, '1 hour');
end $$;

-- Delivered.
select tap.results_eq(
  $$select status, delivered_at, lease_owner, lease_expires_at
      from vigil.settle_delivery(1, 'w1', 'delivered', p_http_status => 200, p_latency_ms => 250,
                                 p_response_excerpt => 'ok', p_now => test.t(5))$$,
  $$values ('delivered', test.t(5), null::text, null::timestamptz)$$,
  'delivered: done, with delivered_at, the lease cleared');
select tap.results_eq(
  $$select outbox_id, channel, worker, attempt, started_at, latency_ms, outcome, http_status, error, response_excerpt
      from vigil.delivery_attempts$$,
  $$values (1::bigint, 'chat', 'w1', 1, test.t(5) - interval '250 milliseconds', 250::double precision, 'delivered', 200, null::text, 'ok')$$,
  'the attempt is recorded: started latency_ms before the settle, its outcome, status and response excerpt');

-- Retry: after attempt 1, the schedule says 0; Retry-After 2 minutes wins.
select tap.results_eq(
  $$select status, available_at, attempts, last_error, lease_owner
      from vigil.settle_delivery(2, 'w1', 'retry', p_http_status => 429, p_retry_after => '2 minutes', p_now => test.t(5))$$,
  $$values ('pending', test.t(7), 1, 'HTTP 429', null::text)$$,
  'retry: pending again, due after the Retry-After (longer than the schedule''s 0), the error kept');

-- Retry without Retry-After: the schedule's delay within ±10%.
update vigil.outbox set attempts = 5 where id = 3;  -- as if this were the 5th attempt (10 minutes next)
select tap.results_eq(
  $$select status, available_at between test.t(14) and test.t(16), last_error
      from vigil.settle_delivery(3, 'w1', 'retry', p_error => 'connection refused', p_now => test.t(5))$$,
  $$values ('pending', true, 'connection refused')$$,
  'retry after attempt 5: due 10 minutes ±10% later; the worker''s error text is kept');

-- The retried row is claimed again when due, and counts attempt 2.
select tap.is(test.claim('w2', 10, 7), array[2]::bigint[], 'the retried row is claimed again once due (minute 7)');
select tap.is((select attempts from vigil.outbox where id = 2), 2, 'its second attempt');

-- Settled by a worker that does not hold the lease.
select tap.throws_ok($$select vigil.settle_delivery(2, 'w1', 'delivered', p_now => test.t(7))$$,
  '55000', 'outbox row 2 is not leased by worker w1: it is delivering (lease owner w2)',
  'a worker whose lease was taken over cannot settle: 55000 naming the row and the owner');
select tap.throws_ok($$select vigil.settle_delivery(1, 'w1', 'delivered', p_now => test.t(7))$$,
  '55000', 'outbox row 1 is not leased by worker w1: it is delivered (lease owner none)',
  'a row settled already cannot be settled again');
select tap.throws_ok($$select vigil.settle_delivery(99, 'w1', 'delivered')$$,
  'P0002', 'outbox row 99 does not exist', 'an unknown row: P0002');

-- Dead: the receiver refused it (a 4xx).
select tap.results_eq(
  $$select status, last_error, lease_owner from vigil.settle_delivery(2, 'w2', 'dead', p_http_status => 400,
      p_response_excerpt => 'invalid_payload', p_now => test.t(8))$$,
  $$values ('dead', 'HTTP 400', null::text)$$,
  'dead: a dead letter with the status as its error');
select tap.results_eq(
  $$select id, last_error, last_http_status from vigil.dead_letters$$,
  $$values (2::bigint, 'HTTP 400', 400)$$,
  'vigil.dead_letters shows it with the last attempt''s HTTP status');

-- The last attempt: a retry goes dead.
select tap.is(test.claim('w3', 10, 20), array[3]::bigint[], 'row 3 claimed for its 6th attempt');
update vigil.outbox set max_attempts = 6 where id = 3;
select tap.results_eq(
  $$select status, attempts, last_error from vigil.settle_delivery(3, 'w3', 'retry', p_http_status => 503, p_now => test.t(20))$$,
  $$values ('dead', 6, 'HTTP 503 (gave up after 6 attempts)')$$,
  'a retry of the last allowed attempt (max_attempts) goes dead, saying so');
select tap.results_eq(
  $$select attempt, outcome, http_status from vigil.delivery_attempts where outbox_id = 3 order by id$$,
  $$values (5, 'retry', null::integer), (6, 'dead', 503)$$,
  'the attempts record what was decided: retry, then dead');

-- The end of the schedule: no row for the attempt that failed.
update vigil.outbox set attempts = 10 where id = 4;
delete from vigil.retry_schedule where attempt = 10;
select tap.results_eq(
  $$select status, last_error from vigil.settle_delivery(4, 'w1', 'retry', p_error => 'timeout after 15 s', p_now => test.t(10))$$,
  $$values ('dead', 'timeout after 15 s (gave up after 10 attempts)')$$,
  'a retry with no schedule row left goes dead, even below max_attempts');

select tap.is((select pg_catalog.count(*)::int from vigil.delivery_attempts), 6, 'one attempt row per settle (refused settles record none)');

select * from tap.finish();
rollback;
