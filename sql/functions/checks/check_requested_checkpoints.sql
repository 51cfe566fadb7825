-- vigil.check_requested_checkpoints(p_params): requested checkpoints as a
-- percent of all checkpoints since the previous run.
--
-- Why: checkpoints should come from checkpoint_timeout (timed), spread over
-- the interval. A checkpoint is "requested" when WAL reaches max_wal_size
-- before the timeout (or someone runs CHECKPOINT): it comes early, writes
-- harder, and every first change of a page after it writes a full page image.
-- A high share of requested checkpoints means max_wal_size is too small for
-- the write load. The counters moved in PostgreSQL 17 from pg_stat_bgwriter
-- (checkpoints_req, checkpoints_timed) to pg_stat_checkpointer
-- (num_requested, num_timed); the view is read with dynamic SQL chosen by
-- server_version_num, so the function compiles on 14 to 18. Below
-- min_checkpoints (default 3) in the interval, and on the first run, the
-- value is null.
create or replace function vigil.check_requested_checkpoints(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_check     text := coalesce(p_params->>'_check', 'requested_checkpoints');
  v_now       timestamptz := coalesce((p_params->>'_now')::timestamptz, pg_catalog.now());
  v_min       double precision := coalesce((p_params->>'min_checkpoints')::double precision, 3);
  v_view      text;
  v_req_col   text;
  v_timed_col text;
  v_req       double precision;
  v_timed     double precision;
  v_dreq      double precision;
  v_dtimed    double precision;
begin
  if pg_catalog.current_setting('server_version_num')::integer >= 170000 then
    v_view := 'pg_stat_checkpointer';
    v_req_col := 'num_requested';
    v_timed_col := 'num_timed';
  else
    v_view := 'pg_stat_bgwriter';
    v_req_col := 'checkpoints_req';
    v_timed_col := 'checkpoints_timed';
  end if;
  execute pg_catalog.format('select v.%I::double precision, v.%I::double precision from pg_catalog.%I v',
                            v_req_col, v_timed_col, v_view)
     into v_req, v_timed;

  v_dreq := vigil._counter_delta(v_check, 'requested', v_req, v_now);
  v_dtimed := vigil._counter_delta(v_check, 'timed', v_timed, v_now);

  series := 'checkpoints';
  labels := '{}'::jsonb;
  value := case when v_dreq + v_dtimed >= greatest(v_min, 1) then 100 * v_dreq / (v_dreq + v_dtimed) end;
  detail := pg_catalog.jsonb_build_object(
      'requested', v_dreq,
      'timed', v_dtimed,
      'min_checkpoints', v_min,
      'source', 'pg_catalog.' || v_view,
      'max_wal_size', pg_catalog.current_setting('max_wal_size'),
      'checkpoint_timeout', pg_catalog.current_setting('checkpoint_timeout'))
    || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'note', case
                when v_dreq is null or v_dtimed is null then 'first run or counters reset: baseline recorded, no ratio yet'
                when v_dreq + v_dtimed < greatest(v_min, 1) then 'fewer checkpoints than min_checkpoints since the previous run: no ratio'
              end,
      'hint', case when v_dreq > v_dtimed then
        'most checkpoints are requested: WAL reaches max_wal_size before checkpoint_timeout; raise max_wal_size (or find what runs CHECKPOINT)'
      end));
  return next;
end
$$;

comment on function vigil.check_requested_checkpoints(jsonb) is
  'Requested checkpoints as a percent of all checkpoints since the previous run: num_requested / (num_requested + num_timed) from pg_catalog.pg_stat_checkpointer on PostgreSQL 17+, checkpoints_req / (checkpoints_req + checkpoints_timed) from pg_catalog.pg_stat_bgwriter before 17, through vigil._counter_delta; one row, series checkpoints. A high share means max_wal_size is too small for the write load. Param min_checkpoints (default 3): below it the value is null. Default thresholds (direction above): warning 50, critical 80 percent; pgvigil''s own choice, after the PostgreSQL manual (WAL Configuration: checkpoints should normally be timed, and checkpoint_warning logs when WAL forces them too often; no monitoring tool we checked ships a percent threshold for this).';
