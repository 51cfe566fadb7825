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
--
-- The threshold, and the tables and counters it is computed for, come from
-- vigil._autovacuum_thresholds('vacuum', ...), which analyze_staleness shares.
create or replace function vigil.check_dead_tuples(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  select pg_catalog.format('%I.%I', a.schemaname, a.relname) as series,
         a.counter / greatest(a.threshold, 1) as value,
         pg_catalog.jsonb_build_object('table', pg_catalog.format('%I.%I', a.schemaname, a.relname)) as labels,
         pg_catalog.jsonb_build_object(
           'n_dead_tup', a.counter,
           'n_live_tup', pg_catalog.pg_stat_get_live_tuples(a.relid),
           'threshold', pg_catalog.round(a.threshold::numeric),
           'last_autovacuum', pg_catalog.pg_stat_get_last_autovacuum_time(a.relid),
           'last_vacuum', pg_catalog.pg_stat_get_last_vacuum_time(a.relid),
           'autovacuum_enabled', a.autovacuum_enabled,
           'hint', case when a.autovacuum_enabled
                        then 'Autovacuum is on but has not kept up: check for long transactions holding back the xmin horizon and for cancelled autovacuums in the log, or lower the table''s autovacuum_vacuum_scale_factor. VACUUM the table now.'
                        else 'Autovacuum is off for this table (or globally): VACUUM it, or turn autovacuum back on.' end
         ) as detail
    from vigil._autovacuum_thresholds('vacuum',
                                      coalesce((p_params->>'min_dead')::bigint, 1000),
                                      coalesce((p_params->>'include_vigil')::boolean, false)) a
$$;

comment on function vigil.check_dead_tuples(jsonb) is
  'Dead rows per user table as a multiple of its autovacuum vacuum threshold (autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor * reltuples, capped by autovacuum_vacuum_max_threshold on 18+, per-table storage parameters first): how many times over the threshold autovacuum should have fired. Reads the pg_stat_user_tables counters (n_dead_tup, n_live_tup, last_vacuum, last_autovacuum, through their pg_stat_get_* functions), pg_class (reltuples, reloptions) and the autovacuum settings. Params: min_dead (default 1000), include_vigil (default false). Default thresholds: warning 2, critical 5, from autovacuum''s own rule in autovacuum.c (1 = due now); check_postgres has no equivalent ratio.';
