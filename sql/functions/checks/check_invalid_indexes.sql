-- vigil.check_invalid_indexes: indexes marked invalid.
--
-- Why: CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY that fail (a
-- duplicate key for a unique index, a deadlock, a cancelled statement, a
-- lost connection) leave their index behind with indisvalid = false. The
-- planner never uses it, yet every INSERT and UPDATE still maintains it, so
-- it costs write time and space and gives nothing; a unique one still
-- enforces uniqueness on new rows. Nothing removes it by itself. The same
-- state is seen briefly while a concurrent build is running, so a single
-- sighting during a deploy may be a build in progress; a second one is not.
--
-- One row per invalid index, value 1. Warning at 1 (any invalid index is
-- worth a look), no critical: it wastes resources but breaks nothing. The
-- same rule as PgHero's invalid indexes check (any indisvalid = false) and
-- the PostgreSQL documentation of CREATE INDEX CONCURRENTLY, which says to
-- drop such an index and try again, or REINDEX it.
--
-- Params: include_vigil (default false) includes pgvigil's own indexes.
create or replace function vigil.check_invalid_indexes(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with p as (
    select coalesce((p_params->>'include_vigil')::boolean, false) as include_vigil
  )
  select pg_catalog.format('%I.%I', n.nspname, ic.relname) as series,
         1::double precision as value,
         pg_catalog.jsonb_build_object(
           'table', pg_catalog.format('%I.%I', tn.nspname, tc.relname),
           'index', pg_catalog.format('%I.%I', n.nspname, ic.relname)) as labels,
         pg_catalog.jsonb_build_object(
           'definition', pg_catalog.pg_get_indexdef(i.indexrelid),
           'index_bytes', pg_catalog.pg_relation_size(i.indexrelid),
           'indisready', i.indisready,
           'hint', case when ic.relkind = 'I'
             then pg_catalog.format(
               'A partitioned index stays invalid until every partition has its index attached: create the missing ones and ALTER INDEX %I.%I ATTACH PARTITION ...; or drop it.',
               n.nspname, ic.relname)
             else pg_catalog.format(
               'Left by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY (or a build still running). Drop it with DROP INDEX CONCURRENTLY %I.%I; and create it again, or rebuild it in place with REINDEX INDEX CONCURRENTLY %I.%I;',
               n.nspname, ic.relname, n.nspname, ic.relname) end
         ) as detail
    from pg_catalog.pg_index i
    join pg_catalog.pg_class ic on ic.oid = i.indexrelid
    join pg_catalog.pg_namespace n on n.oid = ic.relnamespace
    join pg_catalog.pg_class tc on tc.oid = i.indrelid
    join pg_catalog.pg_namespace tn on tn.oid = tc.relnamespace
   cross join p
   where not i.indisvalid
     and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
     and n.nspname !~ '^pg_(toast_)?temp_'
     and (n.nspname <> 'vigil' or p.include_vigil)
$$;

comment on function vigil.check_invalid_indexes(jsonb) is
  'Invalid indexes (pg_index.indisvalid = false), one row per index with value 1: typically left by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY; never used by the planner but still maintained on every write. Detail has the definition and the DROP INDEX CONCURRENTLY / REINDEX INDEX CONCURRENTLY hint. Reads pg_index, pg_class and pg_namespace. Params: include_vigil (default false). Default thresholds: warning 1 (any), critical none, as PgHero invalid indexes and the PostgreSQL documentation of CREATE INDEX CONCURRENTLY (drop or reindex an invalid index).';
