-- vigil._autovacuum_thresholds(p_action, p_min_count, p_include_vigil): for
-- each user table, the count autovacuum compares for one action (vacuum or
-- analyze) and the threshold it compares it with.
--
-- Why: check_dead_tuples and check_analyze_staleness apply the same rule of
-- autovacuum (relation_needs_vacanalyze in autovacuum.c) to two counters:
--   vacuum:  n_dead_tup          > autovacuum_vacuum_threshold
--                                  + autovacuum_vacuum_scale_factor * reltuples
--                                  (capped by autovacuum_vacuum_max_threshold, 18+)
--   analyze: n_mod_since_analyze > autovacuum_analyze_threshold
--                                  + autovacuum_analyze_scale_factor * reltuples
-- with each table's storage parameters taking precedence over the settings.
-- One function keeps the two checks from drifting apart; each check only
-- words its own alert.
--
-- Set-based and cheap on 10,000 tables: the counters are read through their
-- pg_stat_get_* functions (pg_stat_user_tables also sums idx_scan over every
-- index, a join and a GROUP BY that cost more than everything else here), the
-- tables under p_min_count are dropped before anything else is computed, and
-- reloptions are parsed only for the tables left that have any.
--
-- Tables: relkind r and m, outside pg_catalog, information_schema, pg_toast
-- and temp schemas; pgvigil's own schema only with p_include_vigil. An action
-- other than vacuum or analyze returns no rows.
create or replace function vigil._autovacuum_thresholds(p_action text, p_min_count bigint, p_include_vigil boolean)
returns table (relid oid, schemaname name, relname name, counter bigint, threshold double precision,
               autovacuum_enabled boolean)
language sql
stable
set search_path = ''
as $$
  with p as (
    -- The settings and storage parameters share their names:
    -- autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor, ...
    select pg_catalog.format('autovacuum_%s_threshold', p_action) as base_name,
           pg_catalog.format('autovacuum_%s_scale_factor', p_action) as scale_name,
           -- Only vacuum has a cap, on PostgreSQL 18+ (null, no cap, before).
           case when p_action = 'vacuum' then 'autovacuum_vacuum_max_threshold' end as max_name
      where p_action in ('vacuum', 'analyze')
  ), s as (
    select p.*,
           pg_catalog.current_setting(p.base_name)::double precision as base,
           pg_catalog.current_setting(p.scale_name)::double precision as scale,
           pg_catalog.current_setting(p.max_name, true)::double precision as max,
           pg_catalog.current_setting('autovacuum')::boolean
             and pg_catalog.current_setting('track_counts')::boolean as autovacuum_on
      from p
  ), t as (
    select c.oid as relid, n.nspname as schemaname, c.relname, c.reltuples, c.reloptions,
           case p_action when 'vacuum' then pg_catalog.pg_stat_get_dead_tuples(c.oid)
                         when 'analyze' then pg_catalog.pg_stat_get_mod_since_analyze(c.oid) end as counter
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'm')
       and case p_action when 'vacuum' then pg_catalog.pg_stat_get_dead_tuples(c.oid)
                         when 'analyze' then pg_catalog.pg_stat_get_mod_since_analyze(c.oid) end >= p_min_count
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname !~ '^pg_(toast_)?temp_'
       and (n.nspname <> 'vigil' or p_include_vigil)
  ), o as (
    -- Per-table storage parameters, only for the tables above that have any.
    select t.relid,
           pg_catalog.max(r.v) filter (where r.k = 'autovacuum_enabled') as enabled,
           pg_catalog.max(r.v) filter (where r.k = s.base_name) as base,
           pg_catalog.max(r.v) filter (where r.k = s.scale_name) as scale,
           pg_catalog.max(r.v) filter (where r.k = s.max_name) as max
      from t
     cross join s
     cross join lateral (
       select pg_catalog.split_part(x, '=', 1) as k, pg_catalog.substr(x, pg_catalog.strpos(x, '=') + 1) as v
         from pg_catalog.unnest(t.reloptions) as x
     ) r
     group by t.relid
  ), f as (
    select t.relid, t.schemaname, t.relname, t.counter,
           coalesce(o.enabled::boolean, true) and s.autovacuum_on as autovacuum_enabled,
           coalesce(o.base::double precision, s.base)
             -- autovacuum takes reltuples as 0 until the table is first vacuumed or analyzed (-1).
             + coalesce(o.scale::double precision, s.scale) * greatest(t.reltuples, 0) as raw_threshold,
           -- A storage parameter of -1 disables the cap; without one, the setting applies.
           coalesce(o.max::double precision, s.max) as max
      from t
     cross join s
      left join o on o.relid = t.relid
  )
  select f.relid, f.schemaname, f.relname, f.counter,
         case when f.max >= 0 then least(f.raw_threshold, f.max) else f.raw_threshold end,
         f.autovacuum_enabled
    from f
$$;

comment on function vigil._autovacuum_thresholds(text, bigint, boolean) is
  'Internal (check_dead_tuples, check_analyze_staleness): for each user table (relkind r, m; no system, toast or temp schemas; vigil only with p_include_vigil) whose counter for p_action is at least p_min_count, that counter (vacuum: pg_stat_get_dead_tuples, analyze: pg_stat_get_mod_since_analyze) and autovacuum''s threshold for it: autovacuum_<action>_threshold + autovacuum_<action>_scale_factor * reltuples (reltuples below 0 taken as 0), capped by autovacuum_vacuum_max_threshold for vacuum on PostgreSQL 18+, per-table storage parameters first; autovacuum_enabled is the table''s storage parameter and the autovacuum and track_counts settings.';
