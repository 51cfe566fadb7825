-- vigil.check_wal_archiving(p_params): WAL archive failures since the last
-- successful archive.
--
-- Why: when archive_command (or archive_library) fails, the segment is
-- retried forever and every later segment waits behind it: point-in-time
-- recovery silently stops working and pg_wal grows until the disk is full.
-- pg_stat_archiver has the facts, but its failed_count is a total since the
-- last stats reset. The check reports how many attempts failed since the last
-- success: 0 while the last attempt succeeded; while failing, failed_count
-- minus the failed_count it remembered when archiving was last seen healthy
-- (kept in vigil.counters through vigil._counter_delta). Without such a
-- memory (first run while already failing) it counts 1, or every failure when
-- nothing was ever archived since the stats reset, and counts up from there.
-- archive_mode off, or 'on' on a standby (where the archiver does not run):
-- no rows.
create or replace function vigil.check_wal_archiving(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_check    text := coalesce(p_params->>'_check', 'wal_archiving');
  v_now      timestamptz := coalesce((p_params->>'_now')::timestamptz, pg_catalog.now());
  v_mode     text := pg_catalog.current_setting('archive_mode');
  v_arch     pg_catalog.pg_stat_archiver;
  v_failing  boolean;
  v_base     double precision;
  v_base_at  timestamptz;
  v_ready    bigint;
begin
  if v_mode = 'off' or (v_mode = 'on' and pg_catalog.pg_is_in_recovery()) then
    return;
  end if;

  select a.* into v_arch from pg_catalog.pg_stat_archiver a;
  v_failing := v_arch.last_failed_time is not null
               and (v_arch.last_archived_time is null or v_arch.last_failed_time > v_arch.last_archived_time);

  if not v_failing then
    perform vigil._counter_delta(v_check, 'failed_count_at_success', v_arch.failed_count::double precision, v_now);
    value := 0;
  else
    select c.value, c.at into v_base, v_base_at
      from vigil.counters c
     where c.check_name = v_check and c.series = 'failed_count_at_success';
    -- No memory of a healthy moment, a stats reset, or a success we did not
    -- see (it came after the remembered one): start counting from now.
    if v_base is null or v_base > v_arch.failed_count
       or (v_arch.last_archived_time is not null and v_arch.last_archived_time > v_base_at) then
      v_base := case when v_arch.last_archived_time is null then 0
                     else (v_arch.failed_count - 1)::double precision end;
      perform vigil._counter_delta(v_check, 'failed_count_at_success', v_base, v_now);
    end if;
    value := greatest(v_arch.failed_count::double precision - v_base, 1);
  end if;

  -- Segments waiting to be archived (.ready files): superuser or pg_monitor.
  if pg_catalog.has_function_privilege('pg_catalog.pg_ls_archive_statusdir()', 'execute') then
    select pg_catalog.count(*) into v_ready
      from pg_catalog.pg_ls_archive_statusdir() f
     where f.name like '%.ready';
  end if;

  series := 'archiver';
  labels := '{}'::jsonb;
  detail := pg_catalog.jsonb_build_object(
      'last_failed_wal', v_arch.last_failed_wal,
      'last_failed_time', v_arch.last_failed_time,
      'last_archived_wal', v_arch.last_archived_wal,
      'last_archived_time', v_arch.last_archived_time,
      'failed_count', v_arch.failed_count,
      'archived_count', v_arch.archived_count,
      'archive_mode', v_mode)
    || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'ready_segments', v_ready,
      'hint', case when v_failing then
        'archiving is failing: WAL piles up in pg_wal and point-in-time recovery stops at the last archived segment; the server log says why the archive_command or archive_library failed'
      end));
  return next;
end
$$;

comment on function vigil.check_wal_archiving(jsonb) is
  'Number of WAL archive attempts that failed since the last successful one (0 while archiving works), from pg_catalog.pg_stat_archiver (failed_count, last_failed_time, last_archived_time), with the failed_count seen at the last healthy run kept through vigil._counter_delta; one row, series archiver, detail {last_failed_wal, last_failed_time, last_archived_time, ready_segments, ...}. No rows when archive_mode is off (or on, on a standby). Default thresholds (direction above): warning 1, critical 5 failures; pgvigil''s own choice: any failure deserves a look (an archive that fails once usually keeps failing), five in a row mean archiving is broken.';
