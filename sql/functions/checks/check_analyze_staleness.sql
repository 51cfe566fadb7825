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
create or replace function vigil.check_analyze_staleness(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with p as (
    select coalesce((p_params->>'min_modified')::bigint, 1000) as min_modified,
           coalesce((p_params->>'include_vigil')::boolean, false) as include_vigil,
           pg_catalog.current_setting('autovacuum_analyze_threshold')::double precision as anl_base,
           pg_catalog.current_setting('autovacuum_analyze_scale_factor')::double precision as anl_scale,
           pg_catalog.current_setting('autovacuum')::boolean
             and pg_catalog.current_setting('track_counts')::boolean as autovacuum_on
  ), t as (
    -- The counters behind pg_stat_user_tables, read directly: the view also
    -- sums idx_scan over every index (a join and a GROUP BY), which on 10,000
    -- tables costs more than everything else here.
    select c.oid as relid, n.nspname as schemaname, c.relname, c.reltuples, c.reloptions,
           pg_catalog.pg_stat_get_mod_since_analyze(c.oid) as n_mod_since_analyze,
           pg_catalog.pg_stat_get_last_analyze_time(c.oid) as last_analyze,
           pg_catalog.pg_stat_get_last_autoanalyze_time(c.oid) as last_autoanalyze
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     cross join p
     where c.relkind in ('r', 'm')
       and pg_catalog.pg_stat_get_mod_since_analyze(c.oid) >= p.min_modified
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname !~ '^pg_(toast_)?temp_'
       and (n.nspname <> 'vigil' or p.include_vigil)
  ), o as (
    -- Per-table storage parameters, only for the tables above that have any.
    select t.relid,
           pg_catalog.max(r.v) filter (where r.k = 'autovacuum_enabled') as enabled,
           pg_catalog.max(r.v) filter (where r.k = 'autovacuum_analyze_threshold') as anl_base,
           pg_catalog.max(r.v) filter (where r.k = 'autovacuum_analyze_scale_factor') as anl_scale
      from t
     cross join lateral (
       select pg_catalog.split_part(x, '=', 1) as k, pg_catalog.substr(x, pg_catalog.strpos(x, '=') + 1) as v
         from pg_catalog.unnest(t.reloptions) as x
     ) r
     group by t.relid
  ), g as (
    select t.*,
           coalesce(o.enabled::boolean, true) and p.autovacuum_on as autovacuum_enabled,
           coalesce(o.anl_base::double precision, p.anl_base)
             -- autovacuum takes reltuples as 0 until the table is first vacuumed or analyzed (-1).
             + coalesce(o.anl_scale::double precision, p.anl_scale) * greatest(t.reltuples, 0) as threshold,
           greatest(t.last_analyze, t.last_autoanalyze) as analyzed_at
      from t
     cross join p
      left join o on o.relid = t.relid
  )
  select pg_catalog.format('%I.%I', g.schemaname, g.relname) as series,
         g.n_mod_since_analyze / greatest(g.threshold, 1) as value,
         pg_catalog.jsonb_build_object('table', pg_catalog.format('%I.%I', g.schemaname, g.relname)) as labels,
         pg_catalog.jsonb_build_object(
           'n_mod_since_analyze', g.n_mod_since_analyze,
           'n_live_tup', pg_catalog.pg_stat_get_live_tuples(g.relid),
           'threshold', pg_catalog.round(g.threshold::numeric),
           'last_analyze', g.last_analyze,
           'last_autoanalyze', g.last_autoanalyze,
           'hours_since_analyze', pg_catalog.round((pg_catalog.date_part('epoch', pg_catalog.now() - g.analyzed_at) / 3600)::numeric, 1),
           'never_analyzed', g.analyzed_at is null,
           'autovacuum_enabled', g.autovacuum_enabled,
           'hint', case when g.autovacuum_enabled
                        then 'Autovacuum is on but has not re-analyzed this table: ANALYZE it now; if it recurs, lower the table''s autovacuum_analyze_scale_factor or run ANALYZE after bulk loads.'
                        else 'Autovacuum is off for this table (or globally): ANALYZE it, or turn autovacuum back on.' end
         ) as detail
    from g
$$;

comment on function vigil.check_analyze_staleness(jsonb) is
  'Rows modified since the last analyze per user table as a multiple of its autovacuum analyze threshold (autovacuum_analyze_threshold + autovacuum_analyze_scale_factor * reltuples, per-table storage parameters first); detail has the hours since the last (auto)analyze. Reads the pg_stat_user_tables counters (n_mod_since_analyze, n_live_tup, last_analyze, last_autoanalyze, through their pg_stat_get_* functions), pg_class (reltuples, reloptions) and the autovacuum settings. Params: min_modified (default 1000), include_vigil (default false). Default thresholds: warning 2, critical 5, from autovacuum''s own rule in autovacuum.c (1 = due now); check_postgres last_analyze uses time since analyze (1 and 2 days) instead.';
