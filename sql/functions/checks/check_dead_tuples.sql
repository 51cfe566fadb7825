-- vigil.check_dead_tuples: tables whose dead rows are far past the point
-- where autovacuum should have vacuumed them.
--
-- Why: UPDATE and DELETE leave dead row versions behind; VACUUM makes their
-- space reusable. Autovacuum vacuums a table once n_dead_tup exceeds its
-- threshold, autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor *
-- reltuples (capped by autovacuum_vacuum_max_threshold on PostgreSQL 18+), with
-- per-table storage parameters taking precedence over the settings. A table
-- that sits at several times its threshold is not being vacuumed: autovacuum
-- is off for it (or globally), its workers are all busy on other tables, a
-- long transaction holds back the horizon so the rows cannot be removed, or the
-- vacuum keeps getting cancelled by lock conflicts. Left alone, the table and
-- its indexes bloat and scans slow down.
--
-- The value is n_dead_tup / threshold, the same ratio autovacuum itself
-- compares with 1 (relation_needs_vacanalyze in autovacuum.c), i.e. "how many
-- times over the threshold autovacuum should have fired". Warning at 2,
-- critical at 5: a table just over 1 is normal (autovacuum picks it up within
-- autovacuum_naptime), twice over means it was missed at least once, five
-- times means it is not being vacuumed at all. check_postgres has no such
-- ratio (its last_autovacuum action alerts on time since the last run); the
-- ratio comes from autovacuum's own rule.
--
-- Params: min_dead (default 1000) leaves out tables with fewer dead rows, so
-- tiny tables whose threshold is a handful of rows do not alert;
-- include_vigil (default false) includes pgvigil's own tables.
create or replace function vigil.check_dead_tuples(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with p as (
    select coalesce((p_params->>'min_dead')::bigint, 1000) as min_dead,
           coalesce((p_params->>'include_vigil')::boolean, false) as include_vigil,
           pg_catalog.current_setting('autovacuum_vacuum_threshold')::double precision as vac_base,
           pg_catalog.current_setting('autovacuum_vacuum_scale_factor')::double precision as vac_scale,
           -- PostgreSQL 18+; null (no cap) before.
           pg_catalog.current_setting('autovacuum_vacuum_max_threshold', true)::double precision as vac_max,
           pg_catalog.current_setting('autovacuum')::boolean
             and pg_catalog.current_setting('track_counts')::boolean as autovacuum_on
  ), t as (
    -- The counters behind pg_stat_user_tables, read directly: the view also
    -- sums idx_scan over every index (a join and a GROUP BY), which on 10,000
    -- tables costs more than everything else here.
    select c.oid as relid, n.nspname as schemaname, c.relname, c.reltuples, c.reloptions,
           pg_catalog.pg_stat_get_dead_tuples(c.oid) as n_dead_tup
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     cross join p
     where c.relkind in ('r', 'm')
       and pg_catalog.pg_stat_get_dead_tuples(c.oid) >= p.min_dead
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname !~ '^pg_(toast_)?temp_'
       and (n.nspname <> 'vigil' or p.include_vigil)
  ), o as (
    -- Per-table storage parameters, only for the tables above that have any.
    select t.relid,
           pg_catalog.max(r.v) filter (where r.k = 'autovacuum_enabled') as enabled,
           pg_catalog.max(r.v) filter (where r.k = 'autovacuum_vacuum_threshold') as vac_base,
           pg_catalog.max(r.v) filter (where r.k = 'autovacuum_vacuum_scale_factor') as vac_scale,
           pg_catalog.max(r.v) filter (where r.k = 'autovacuum_vacuum_max_threshold') as vac_max
      from t
     cross join lateral (
       select pg_catalog.split_part(x, '=', 1) as k, pg_catalog.substr(x, pg_catalog.strpos(x, '=') + 1) as v
         from pg_catalog.unnest(t.reloptions) as x
     ) r
     group by t.relid
  ), f as (
    select t.*,
           coalesce(o.enabled::boolean, true) and p.autovacuum_on as autovacuum_enabled,
           coalesce(o.vac_base::double precision, p.vac_base)
             -- autovacuum takes reltuples as 0 until the table is first vacuumed or analyzed (-1).
             + coalesce(o.vac_scale::double precision, p.vac_scale) * greatest(t.reltuples, 0) as raw_threshold,
           -- A storage parameter of -1 disables the cap; without one, the setting applies.
           coalesce(o.vac_max::double precision, p.vac_max) as vac_max
      from t
     cross join p
      left join o on o.relid = t.relid
  ), g as (
    select f.*,
           case when f.vac_max >= 0 then least(f.raw_threshold, f.vac_max) else f.raw_threshold end as threshold
      from f
  )
  select pg_catalog.format('%I.%I', g.schemaname, g.relname) as series,
         g.n_dead_tup / greatest(g.threshold, 1) as value,
         pg_catalog.jsonb_build_object('table', pg_catalog.format('%I.%I', g.schemaname, g.relname)) as labels,
         pg_catalog.jsonb_build_object(
           'n_dead_tup', g.n_dead_tup,
           'n_live_tup', pg_catalog.pg_stat_get_live_tuples(g.relid),
           'threshold', pg_catalog.round(g.threshold::numeric),
           'last_autovacuum', pg_catalog.pg_stat_get_last_autovacuum_time(g.relid),
           'last_vacuum', pg_catalog.pg_stat_get_last_vacuum_time(g.relid),
           'autovacuum_enabled', g.autovacuum_enabled,
           'hint', case when g.autovacuum_enabled
                        then 'Autovacuum is on but has not kept up: check for long transactions holding back the xmin horizon and for cancelled autovacuums in the log, or lower the table''s autovacuum_vacuum_scale_factor. VACUUM the table now.'
                        else 'Autovacuum is off for this table (or globally): VACUUM it, or turn autovacuum back on.' end
         ) as detail
    from g
$$;

comment on function vigil.check_dead_tuples(jsonb) is
  'Dead rows per user table as a multiple of its autovacuum vacuum threshold (autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor * reltuples, capped by autovacuum_vacuum_max_threshold on 18+, per-table storage parameters first): how many times over the threshold autovacuum should have fired. Reads the pg_stat_user_tables counters (n_dead_tup, n_live_tup, last_vacuum, last_autovacuum, through their pg_stat_get_* functions), pg_class (reltuples, reloptions) and the autovacuum settings. Params: min_dead (default 1000), include_vigil (default false). Default thresholds: warning 2, critical 5, from autovacuum''s own rule in autovacuum.c (1 = due now); check_postgres has no equivalent ratio.';
