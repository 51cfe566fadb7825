-- vigil.run_housekeeping(p_now) deletes exactly the delivered outbox rows
-- delivered more than vigil.housekeeping.keep_delivered (30 days) before
-- p_now; dead letters and rows still to deliver stay, however old. Without
-- pg_cron in this database it does not touch cron.job_run_details (null in
-- the result). The result is kept in vigil.housekeeping. (Its clean-up of
-- cron.job_run_details runs where pg_cron is: tests/pgtap-cron.)
begin;
select tap.plan(8);

create schema test;
create function test.outbox(p_key text, p_status text, p_created timestamptz, p_delivered timestamptz)
returns void language sql set search_path = '' as $$
  insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at, status, delivered_at)
  values (p_created, 'chat', 'heartbeat', p_key, '{}'::jsonb, p_created, p_status, p_delivered) $$;

-- p_now is 2026-03-10 00:00 UTC; 30 days before is 2026-02-08 00:00.
select test.outbox('delivered-40d', 'delivered', '2026-01-29 00:00+00', '2026-01-29 00:01+00');
select test.outbox('delivered-31d', 'delivered', '2026-02-07 00:00+00', '2026-02-07 00:00+00');
select test.outbox('delivered-edge', 'delivered', '2026-02-07 23:00+00', '2026-02-08 00:00+00');
select test.outbox('delivered-1d', 'delivered', '2026-02-20 00:00+00', '2026-03-09 00:00+00');
-- created long ago, delivered recently (after retries or a replay)
select test.outbox('delivered-late', 'delivered', '2026-01-01 00:00+00', '2026-03-01 00:00+00');
select test.outbox('dead-60d', 'dead', '2026-01-09 00:00+00', null);
select test.outbox('pending-60d', 'pending', '2026-01-09 00:00+00', null);

select tap.is(
  vigil.run_housekeeping('2026-03-10 00:00+00'),
  '{"outbox_delivered": 2, "cron_job_run_details": null}'::jsonb,
  'it deletes the two rows delivered more than 30 days before p_now; no pg_cron here: null');
select tap.results_eq(
  $$select o.idempotency_key from vigil.outbox o order by o.idempotency_key$$,
  $$values ('dead-60d'), ('delivered-1d'), ('delivered-edge'), ('delivered-late'), ('pending-60d')$$,
  '... exactly those: a row delivered exactly 30 days before stays, as do dead and pending rows of any age');
select tap.is(
  (select row(h.last_run_at, h.last_result)::text from vigil.housekeeping h),
  row('2026-03-10 00:00+00'::timestamptz, '{"outbox_delivered": 2, "cron_job_run_details": null}'::jsonb)::text,
  'vigil.housekeeping keeps when it ran and what it did');
select tap.is(vigil.run_housekeeping('2026-03-10 00:00+00') ->> 'outbox_delivered', '0',
  'a second run at the same time deletes nothing');

update vigil.housekeeping set keep_delivered = '7 days';
select tap.is(vigil.run_housekeeping('2026-03-10 00:00+00') ->> 'outbox_delivered', '2',
  'keep_delivered 7 days: the rows delivered 9 and 30 days before go too');
select tap.results_eq(
  $$select o.idempotency_key from vigil.outbox o order by o.idempotency_key$$,
  $$values ('dead-60d'), ('delivered-1d'), ('pending-60d')$$,
  '... and only they');

select tap.throws_ok($$select vigil.run_housekeeping(null)$$, '22023', 'p_now is NULL', 'p_now may not be null');
select tap.throws_ok($$update vigil.housekeeping set keep_delivered = '0'$$, '23514', null,
  'a retention must be positive');

select * from tap.finish();
rollback;
