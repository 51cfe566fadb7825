-- vigil.check_unused_indexes: indexes that no query has used since the
-- statistics were last reset.
--
-- Why: every index is updated by every INSERT, by UPDATEs that change its
-- columns (and defeat HOT updates), and is copied by every base backup; an
-- index no query reads is pure cost: write amplification, WAL, disk, cache.
-- Dropping one is cheap to undo (CREATE INDEX CONCURRENTLY), but the evidence
-- must be right, so the detail says since when the counters run
-- (pg_stat_database.stats_reset) and what the counters cannot see.
--
-- Counted from pg_stat_user_indexes.idx_scan on THIS server: scans on
-- streaming replicas are counted there, not here, so an index used only by
-- queries on a replica looks unused; check the replicas before dropping.
-- Unique, primary-key and constraint indexes (exclusion constraints, and
-- unique indexes referenced by foreign keys) are never reported: they enforce
-- something even when no query reads them. Invalid indexes are left to
-- check_invalid_indexes.
--
-- One row per unused index; the value is the index size in bytes. Thresholds
-- from PgHero's unused indexes: warning 1 (any index at or above min_bytes),
-- no critical, run daily at info level; an unused index is a cleanup
-- suggestion, never an emergency. PgHero counts indexes with at most 50
-- scans; max_scans defaults to 0 here (never used), so that an index used once
-- a month by a report is not suggested for dropping.
--
-- Sizes: pg_relation_size opens and locks the index, so only indexes that
-- pg_class.relpages (as of the last VACUUM or ANALYZE, which keep it close)
-- puts at half of min_bytes or more are measured; on 20,000 small indexes
-- that saves most of the check's time and 20,000 locks.
--
-- Params: min_bytes (default 1 MB) leaves out small indexes; max_scans
-- (default 0) counts indexes with at most that many scans as unused;
-- include_vigil (default false) includes pgvigil's own indexes.
create or replace function vigil.check_unused_indexes(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with p as (
    select coalesce((p_params->>'min_bytes')::bigint, 1048576) as min_bytes,
           coalesce((p_params->>'max_scans')::bigint, 0) as max_scans,
           coalesce((p_params->>'include_vigil')::boolean, false) as include_vigil,
           pg_catalog.current_setting('block_size')::bigint as block_size,
           (select d.stats_reset from pg_catalog.pg_stat_database d
             where d.datname = pg_catalog.current_database()) as stats_reset
  ), candidates as materialized (
    -- What pg_stat_user_indexes lists, minus what must never be reported;
    -- and measured (pg_relation_size opens and locks each index) only where
    -- the catalog, as of the last VACUUM or ANALYZE, puts the index at half
    -- of min_bytes or more. Materialized so that these cheap filters run
    -- before the statistics lookups below.
    select i.indexrelid, n.nspname as schemaname, tc.relname, ic.relname as indexrelname
      from pg_catalog.pg_index i
      join pg_catalog.pg_class ic on ic.oid = i.indexrelid
      join pg_catalog.pg_class tc on tc.oid = i.indrelid
      join pg_catalog.pg_namespace n on n.oid = tc.relnamespace
     cross join p
     where not i.indisunique
       and not i.indisprimary
       and i.indisvalid
       and tc.relkind in ('r', 'm')
       and ic.relpages::bigint * p.block_size * 2 >= p.min_bytes
       and not exists (select from pg_catalog.pg_constraint con where con.conindid = i.indexrelid)
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname !~ '^pg_(toast_)?temp_'
       and (n.nspname <> 'vigil' or p.include_vigil)
  ), u as (
    -- idx_scan of pg_stat_user_indexes, through its function.
    select c.*, pg_catalog.pg_stat_get_numscans(c.indexrelid) as idx_scan,
           pg_catalog.pg_relation_size(c.indexrelid) as index_bytes
      from candidates c
     cross join p
     where pg_catalog.pg_stat_get_numscans(c.indexrelid) <= p.max_scans
  )
  select pg_catalog.format('%I.%I', u.schemaname, u.indexrelname) as series,
         u.index_bytes::double precision as value,
         pg_catalog.jsonb_build_object(
           'table', pg_catalog.format('%I.%I', u.schemaname, u.relname),
           'index', pg_catalog.format('%I.%I', u.schemaname, u.indexrelname)) as labels,
         pg_catalog.jsonb_build_object(
           'index_bytes', u.index_bytes,
           'idx_scan', u.idx_scan,
           'stats_reset', p.stats_reset,
           'definition', pg_catalog.pg_get_indexdef(u.indexrelid),
           'hint', pg_catalog.format(
             'No scans on this server since %s. Scans on replicas are not counted here: check them too. If it is really unused, DROP INDEX CONCURRENTLY %I.%I; (keep the definition to re-create it).',
             coalesce(p.stats_reset::text, 'the statistics were created (never reset)'), u.schemaname, u.indexrelname)
         ) as detail
    from u
   cross join p
   where u.index_bytes >= p.min_bytes
$$;

comment on function vigil.check_unused_indexes(jsonb) is
  'Unused indexes: non-unique, non-primary, not backing any constraint, valid, with idx_scan <= max_scans (default 0) since the last statistics reset, and at least min_bytes (default 1 MB); one row per index, value = index size in bytes; detail has stats_reset (since when) and the definition. Scans on replicas are not counted. Reads idx_scan of pg_stat_user_indexes (pg_stat_get_numscans), pg_index, pg_class (relpages picks which indexes to measure), pg_constraint and pg_stat_database. Params: min_bytes, max_scans, include_vigil (default false). Default thresholds: warning 1 (any), critical none, daily at info level, from PgHero unused indexes (which counts up to 50 scans).';
