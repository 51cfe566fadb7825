-- vigil._ensure_partitions(p_now): premakes the daily partitions of
-- vigil.samples, vigil.check_runs and vigil.alert_events for the day of p_now and the next one
-- (UTC days, named <table>_pYYYYMMDD), so that rows do not pile up in the
-- DEFAULT partitions. A partition that cannot be made (rows for that day
-- already sit in the default partition) is skipped; the default-partition
-- self-check reports those rows.
create or replace function vigil._ensure_partitions(p_now timestamptz)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_table   text;
  v_day     date;
  v_name    text;
  v_created integer := 0;
begin
  foreach v_table in array array['samples', 'check_runs', 'alert_events'] loop
    for v_day in
      select (pg_catalog.timezone('UTC', p_now))::date + d from pg_catalog.generate_series(0, 1) d
    loop
      v_name := v_table || '_p' || pg_catalog.to_char(v_day, 'YYYYMMDD');
      continue when pg_catalog.to_regclass(pg_catalog.format('vigil.%I', v_name)) is not null;
      begin
        execute pg_catalog.format(
          'create table vigil.%I partition of vigil.%I for values from (%L) to (%L)',
          v_name, v_table,
          pg_catalog.timezone('UTC', v_day::timestamp), pg_catalog.timezone('UTC', (v_day + 1)::timestamp));
        execute pg_catalog.format('comment on table vigil.%I is %L', v_name,
          'Daily partition of vigil.' || v_table || ' for ' || v_day || ' (UTC).');
        v_created := v_created + 1;
      exception when check_violation or duplicate_table then
        null;  -- rows already in the default partition, or made concurrently
      end;
    end loop;
  end loop;
  return v_created;
end
$$;

comment on function vigil._ensure_partitions(timestamptz) is
  'Internal: premakes today''s and tomorrow''s daily partitions (UTC) of vigil.samples, vigil.check_runs and vigil.alert_events; returns how many it made.';
