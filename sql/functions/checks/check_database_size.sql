-- vigil.check_database_size(p_params): size of the current database, as a
-- percent of the capacity the DBA declares, or in bytes.
--
-- Why: a database that fills its disk (or its plan quota) stops taking
-- writes. Only the DBA knows the capacity, so it is a param: with
-- capacity_bytes the value is the percent of it in use, and the default
-- thresholds (80/90 percent) apply; without it the value is the size in bytes,
-- and detail says so: the thresholds must then be set in bytes.
-- The check measures the database pgvigil is installed in (current_database()):
-- that is the database it answers for, and sizing other databases needs
-- CONNECT on them. WAL and other databases on the same disk are not counted.
-- growth_bytes_per_day compares the size with a sample kept in vigil.counters
-- (via vigil._counter_delta) that is replaced once it is a day old, and is
-- given once that sample is at least an hour old.
create or replace function vigil.check_database_size(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_check    text := coalesce(p_params->>'_check', 'database_size');
  v_now      timestamptz := coalesce((p_params->>'_now')::timestamptz, pg_catalog.now());
  v_capacity double precision := (p_params->>'capacity_bytes')::double precision;
  v_db       text := pg_catalog.current_database()::text;
  v_size     double precision;
  v_prev     double precision;
  v_prev_at  timestamptz;
  v_hours    double precision;
  v_growth   double precision;
begin
  v_size := pg_catalog.pg_database_size(v_db::name)::double precision;

  select c.value, c.at into v_prev, v_prev_at
    from vigil.counters c
   where c.check_name = v_check and c.series = 'size_bytes';
  v_hours := pg_catalog.date_part('epoch', v_now - v_prev_at) / 3600;
  if v_hours >= 1 then
    v_growth := (v_size - v_prev) / v_hours * 24;
  end if;
  if v_prev is null or v_hours >= 24 or v_hours < 0 then
    perform vigil._counter_delta(v_check, 'size_bytes', v_size, v_now);
  end if;

  series := v_db;
  labels := pg_catalog.jsonb_build_object('database', v_db);
  if v_capacity > 0 then
    value := 100 * v_size / v_capacity;
  else
    value := v_size;
  end if;
  detail := pg_catalog.jsonb_build_object(
      'size_bytes', v_size,
      'size', pg_catalog.pg_size_pretty(v_size::bigint),
      'unit', case when v_capacity > 0 then 'percent of capacity_bytes' else 'bytes' end)
    || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'capacity_bytes', case when v_capacity > 0 then v_capacity end,
      'growth_bytes_per_day', pg_catalog.round(v_growth::numeric),
      'growth_measured_over_hours', case when v_growth is not null then pg_catalog.round(v_hours::numeric, 1) end,
      'days_until_full', case when v_capacity > 0 and v_growth > 0 and v_capacity > v_size
                              then pg_catalog.round(((v_capacity - v_size) / v_growth)::numeric, 1) end,
      'note', case when v_capacity is null or v_capacity <= 0 then
        'no capacity is set (param capacity_bytes): the value is the size in bytes, so warning and critical must be set in bytes'
      end));
  return next;
end
$$;

comment on function vigil.check_database_size(jsonb) is
  'Size of the current database (pg_catalog.pg_database_size(current_database())); one row, series = the database name. With param capacity_bytes the value is the percent of that capacity in use; without it the value is the size in bytes and detail says no capacity is set (the thresholds must then be set in bytes). detail.growth_bytes_per_day from a daily sample kept in vigil.counters, and days_until_full with a capacity. Default thresholds (direction above): warning 80, critical 90 percent of capacity_bytes, the disk space levels of Zabbix''s Linux templates (VFS.FS.PUSED.MAX.WARN 80, VFS.FS.PUSED.MAX.CRIT 90).';
