-- vigil._upkeep_due: the worker's scheduler (no pg_cron) rotates partitions
-- hourly and runs housekeeping daily, judged from when they last ran, as
-- recorded by the two steps themselves.
begin;
select tap.plan(4);

select tap.is((select row(u.rotate, u.housekeeping)::text from vigil._upkeep_due('2026-03-10 12:00+00') u),
  row(true, true)::text, 'never run: both are due');

do $$ begin
  perform vigil.rotate_partitions('2026-03-10 12:00+00');
  perform vigil.run_housekeeping('2026-03-10 12:00+00');
end $$;
select tap.is((select row(u.rotate, u.housekeeping)::text from vigil._upkeep_due('2026-03-10 12:59+00') u),
  row(false, false)::text, 'just run: neither is due');
select tap.is((select row(u.rotate, u.housekeeping)::text from vigil._upkeep_due('2026-03-10 13:00+00') u),
  row(true, false)::text, 'an hour later: rotation is due, housekeeping not');
select tap.is((select row(u.rotate, u.housekeeping)::text from vigil._upkeep_due('2026-03-11 12:00+00') u),
  row(true, true)::text, 'a day later: both');

select * from tap.finish();
rollback;
