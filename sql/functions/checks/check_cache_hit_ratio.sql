-- vigil.check_cache_hit_ratio(p_params): buffer cache hit percent in this
-- database since the previous run.
--
-- Why: when the working set no longer fits in shared_buffers (plus the OS page
-- cache), reads go to disk and latency jumps. The totals of pg_stat_database
-- are dominated by history, so the check compares the increase of blks_hit and
-- blks_read since its previous run (vigil._counter_delta). A handful of block
-- reads in a quiet minute is not a trend: below min_blocks (default 1000)
-- block accesses in the interval, and on the first run, the value is null.
-- blks_read counts reads from outside shared_buffers, which may still be
-- served by the OS page cache: a low ratio means "not in shared_buffers".
create or replace function vigil.check_cache_hit_ratio(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_check text := coalesce(p_params->>'_check', 'cache_hit_ratio');
  v_now   timestamptz := coalesce((p_params->>'_now')::timestamptz, pg_catalog.now());
  v_min   double precision := coalesce((p_params->>'min_blocks')::double precision, 1000);
  v_db    text := pg_catalog.current_database()::text;
  v_hit   double precision;
  v_read  double precision;
  v_dh    double precision;
  v_dr    double precision;
begin
  select d.blks_hit::double precision, d.blks_read::double precision
    into v_hit, v_read
    from pg_catalog.pg_stat_database d
   where d.datname = v_db::name;

  v_dh := vigil._counter_delta(v_check, 'blks_hit', v_hit, v_now);
  v_dr := vigil._counter_delta(v_check, 'blks_read', v_read, v_now);

  series := v_db;
  labels := pg_catalog.jsonb_build_object('database', v_db);
  value := case when v_dh + v_dr >= greatest(v_min, 1) then 100 * v_dh / (v_dh + v_dr) end;
  detail := pg_catalog.jsonb_build_object(
    'blocks_hit', v_dh,
    'blocks_read', v_dr,
    'min_blocks', v_min,
    'shared_buffers', pg_catalog.current_setting('shared_buffers'))
    || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'note', case
                when v_dh is null or v_dr is null then 'first run or counters reset: baseline recorded, no ratio yet'
                when v_dh + v_dr < greatest(v_min, 1) then 'fewer block accesses than min_blocks since the previous run: no ratio'
              end));
  return next;
end
$$;

comment on function vigil.check_cache_hit_ratio(jsonb) is
  'Buffer cache hit percent, blks_hit / (blks_hit + blks_read) * 100, in the current database since the previous run; one row, series = the database name. Reads pg_catalog.pg_stat_database through vigil._counter_delta. Param min_blocks (default 1000): below that many block accesses in the interval the value is null. Direction below; default thresholds: warning 99, critical 95 percent, from PgHero (the cache hit rate should be above 99 %).';
