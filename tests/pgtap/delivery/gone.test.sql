-- HTTP 410 Gone: the receiver is gone for good. The delivery goes dead
-- (even if the worker asked for a retry) and the channel is disabled with
-- the reason, so that nothing more is claimed for it. The response excerpt
-- is cut to 500 characters and never keeps the channel's URL.
begin;
select tap.plan(7);
\ir fixtures.sql

do $$ begin
  perform test.enqueue('hook', 0);
  perform test.enqueue('hook', 1);
  perform test.enqueue('chat', 2);
  perform test.claim('w1', 1, 5);
end $$;

select tap.results_eq(
  $$select status, last_error from vigil.settle_delivery(1, 'w1', 'retry', p_http_status => 410,
      p_response_excerpt => 'no such hook: https://hooks.example.com/s3cr3t ' || pg_catalog.repeat('x', 600), p_now => test.t(5))$$,
  $$values ('dead', 'HTTP 410')$$,
  '410 makes the delivery dead, whatever the worker asked');
select tap.results_eq(
  $$select enabled, disabled_reason, disabled_at from vigil.channels where name = 'hook'$$,
  $$values (false, 'receiver answered 410 Gone', test.t(5))$$,
  'and disables the channel with the reason and the time');
select tap.results_eq(
  $$select outcome, http_status from vigil.delivery_attempts$$,
  $$values ('dead', 410)$$,
  'the attempt is recorded as dead with its status');
select tap.ok(
  (select pg_catalog.length(response_excerpt) <= 500 and response_excerpt !~ 's3cr3t'
          and response_excerpt ~ '^no such hook: \[target\] x'
     from vigil.delivery_attempts),
  'the response excerpt is cut to 500 characters and the channel''s URL in it is masked');
select tap.is(test.claim('w1', 10, 6), array[3]::bigint[], 'the disabled channel''s other row is no longer claimed');
select tap.is((select status from vigil.outbox where id = 2), 'pending', 'it waits (vigil.delivery_backlog shows it)');
select tap.ok(pg_catalog.col_description('vigil.delivery_attempts'::regclass,
    (select a.attnum from pg_catalog.pg_attribute a
      where a.attrelid = 'vigil.delivery_attempts'::regclass and a.attname = 'response_excerpt')::integer)
  ~ 'no request headers, no URL',
  'the excerpt''s comment forbids headers and URLs');

select * from tap.finish();
rollback;
