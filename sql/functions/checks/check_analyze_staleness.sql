-- vigil.check_analyze_staleness: tables modified far past the point where
-- autovacuum should have re-analyzed them.
--
-- Why: the planner's row estimates come from the statistics ANALYZE collects.
-- When a table changes a lot (a bulk load, a purge, a new month of data) and
-- is not re-analyzed, estimates go wrong and plans with them: nested loops
-- over millions of rows, missed index scans. Autovacuum analyzes a table once
-- n_mod_since_analyze exceeds autovacuum_analyze_threshold +
-- autovacuum_analyze_scale_factor * reltuples (per-table storage parameters
-- first). Several times over that means it is not happening: autovacuum is
-- off, busy elsewhere, or keeps being cancelled. Tables loaded in a
-- transaction and queried right away are the classic case.
--
-- The value is n_mod_since_analyze / threshold, the ratio autovacuum itself
-- compares with 1 (relation_needs_vacanalyze in autovacuum.c). Warning at 2,
-- critical at 5, as for dead_tuples: just over 1 is normal (autovacuum gets
-- there within autovacuum_naptime), twice over means it was missed, five times
-- means statistics are not being maintained. check_postgres last_analyze
-- alerts on time since the last analyze instead (default warning 1 day,
-- critical 2 days), which flags quiet tables that need nothing; the hours
-- are in detail for the reader.
--
-- Params: min_modified (default 1000) leaves out tables with fewer modified
-- rows; include_vigil (default false) includes pgvigil's own tables.
--
-- The threshold, and the tables and counters it is computed for, come from
-- vigil._autovacuum_thresholds('analyze', ...), which dead_tuples shares.
create or replace function vigil.check_analyze_staleness(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with g as (
    select a.*,
           pg_catalog.pg_stat_get_last_analyze_time(a.relid) as last_analyze,
           pg_catalog.pg_stat_get_last_autoanalyze_time(a.relid) as last_autoanalyze
      from vigil._autovacuum_thresholds('analyze',
                                        coalesce((p_params->>'min_modified')::bigint, 1000),
                                        coalesce((p_params->>'include_vigil')::boolean, false)) a
  )
  select pg_catalog.format('%I.%I', g.schemaname, g.relname) as series,
         g.counter / greatest(g.threshold, 1) as value,
         pg_catalog.jsonb_build_object('table', pg_catalog.format('%I.%I', g.schemaname, g.relname)) as labels,
         pg_catalog.jsonb_build_object(
           'n_mod_since_analyze', g.counter,
           'n_live_tup', pg_catalog.pg_stat_get_live_tuples(g.relid),
           'threshold', pg_catalog.round(g.threshold::numeric),
           'last_analyze', g.last_analyze,
           'last_autoanalyze', g.last_autoanalyze,
           'hours_since_analyze', pg_catalog.round((pg_catalog.date_part('epoch', pg_catalog.now() - greatest(g.last_analyze, g.last_autoanalyze)) / 3600)::numeric, 1),
           'never_analyzed', g.last_analyze is null and g.last_autoanalyze is null,
           'autovacuum_enabled', g.autovacuum_enabled,
           'hint', case when g.autovacuum_enabled
                        then 'Autovacuum is on but has not re-analyzed this table: ANALYZE it now; if it recurs, lower the table''s autovacuum_analyze_scale_factor or run ANALYZE after bulk loads.'
                        else 'Autovacuum is off for this table (or globally): ANALYZE it, or turn autovacuum back on.' end
         ) as detail
    from g
$$;

comment on function vigil.check_analyze_staleness(jsonb) is
  'Rows modified since the last analyze per user table as a multiple of its autovacuum analyze threshold (autovacuum_analyze_threshold + autovacuum_analyze_scale_factor * reltuples, per-table storage parameters first); detail has the hours since the last (auto)analyze. Reads the pg_stat_user_tables counters (n_mod_since_analyze, n_live_tup, last_analyze, last_autoanalyze, through their pg_stat_get_* functions), pg_class (reltuples, reloptions) and the autovacuum settings. Params: min_modified (default 1000), include_vigil (default false). Default thresholds: warning 2, critical 5, from autovacuum''s own rule in autovacuum.c (1 = due now); check_postgres last_analyze uses time since analyze (1 and 2 days) instead.';
