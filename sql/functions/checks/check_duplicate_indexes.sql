-- vigil.check_duplicate_indexes: indexes that exactly duplicate another index
-- on the same table.
--
-- Why: two indexes with the same columns, operator classes, collations,
-- ordering, expressions and predicate serve exactly the same queries; the
-- second one doubles the write cost, the WAL and the disk for nothing. They
-- appear when a migration adds an index that a constraint already created,
-- or when CREATE INDEX is run twice under different names.
--
-- Exact duplicates only: same table, access method (implied by the operator
-- classes), indkey, indclass, indcollation, indoption, expressions and
-- predicate (compared as deparsed text). PgHero's duplicate indexes also
-- reports indexes whose columns are a leading prefix of another's; that needs
-- judgement (the wider index is bigger and slower to scan), so it is not
-- reported here. In each group one index is kept, preferring the one that
-- backs a constraint (primary key, unique, exclusion, or referenced by a
-- foreign key), then a unique one, then the oldest (lowest OID); the others
-- are reported. A unique index is stricter than a non-unique twin, so keeping
-- it loses nothing. Invalid indexes are left to check_invalid_indexes.
--
-- One row per redundant index; the value is its size in bytes. Warning 1
-- (any), no critical, run daily at info level: a cleanup suggestion, as in
-- PgHero, never an emergency.
--
-- Params: include_vigil (default false) includes pgvigil's own indexes.
create or replace function vigil.check_duplicate_indexes(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with p as (
    select coalesce((p_params->>'include_vigil')::boolean, false) as include_vigil
  ), candidates as (
    -- pg_index alone, narrow: the first column and operator class are enough
    -- to pair candidates cheaply (a hash join on scalars); the full vectors,
    -- expressions and the schema are compared on the few pairs found.
    select i.indexrelid, i.indrelid, i.indnatts, i.indkey[0] as first_column, i.indclass[0] as first_opclass,
           i.indisunique, i.indisprimary
      from pg_catalog.pg_index i
     where i.indisvalid
  ), pairs as (
    -- Every ordered pair of identical indexes on one table. Expressions and
    -- predicates are compared deparsed, so that the same expression written
    -- differently still matches.
    select a.indexrelid, a.indrelid, a.indisunique, a.indisprimary,
           b.indexrelid as other, b.indisunique as other_unique, b.indisprimary as other_primary
      from candidates a
      join candidates b
        on b.indrelid = a.indrelid and b.indnatts = a.indnatts
       and b.first_column = a.first_column and b.first_opclass = a.first_opclass
       and b.indexrelid <> a.indexrelid
      join pg_catalog.pg_index ia on ia.indexrelid = a.indexrelid
      join pg_catalog.pg_index ib on ib.indexrelid = b.indexrelid
     where ia.indkey::pg_catalog.int2[] = ib.indkey::pg_catalog.int2[]
       and ia.indclass = ib.indclass
       and ia.indcollation = ib.indcollation
       and ia.indoption::pg_catalog.int2[] = ib.indoption::pg_catalog.int2[]
       and pg_catalog.pg_get_expr(ia.indexprs, ia.indrelid) is not distinct from pg_catalog.pg_get_expr(ib.indexprs, ib.indrelid)
       and pg_catalog.pg_get_expr(ia.indpred, ia.indrelid) is not distinct from pg_catalog.pg_get_expr(ib.indpred, ib.indrelid)
  ), con as (
    -- Indexes that back a constraint (primary key, unique, exclusion) or that
    -- a foreign key references.
    select distinct c.conindid from pg_catalog.pg_constraint c where c.conindid <> 0
  ), ranked as (
    -- Keep the best of each group: backs a constraint, then primary, then
    -- unique, then the oldest. An index is reported when a better twin exists;
    -- the twin it names is the best one of its group.
    select distinct on (pr.indexrelid)
           pr.indexrelid, pr.indrelid, pr.other as kept,
           ca.conindid is not null as backs_constraint
      from pairs pr
      left join con ca on ca.conindid = pr.indexrelid
      left join con cb on cb.conindid = pr.other
     where (cb.conindid is null, not pr.other_primary, not pr.other_unique, pr.other)
         < (ca.conindid is null, not pr.indisprimary, not pr.indisunique, pr.indexrelid)
     order by pr.indexrelid, cb.conindid is null, not pr.other_primary, not pr.other_unique, pr.other
  )
  select pg_catalog.format('%I.%I', n.nspname, ic.relname) as series,
         pg_catalog.pg_relation_size(r.indexrelid)::double precision as value,
         pg_catalog.jsonb_build_object(
           'table', pg_catalog.format('%I.%I', tn.nspname, tc.relname),
           'index', pg_catalog.format('%I.%I', n.nspname, ic.relname)) as labels,
         pg_catalog.jsonb_build_object(
           'index_bytes', pg_catalog.pg_relation_size(r.indexrelid),
           'duplicate_of', pg_catalog.format('%I.%I', kn.nspname, kc.relname),
           'definition', pg_catalog.pg_get_indexdef(r.indexrelid),
           'kept_definition', pg_catalog.pg_get_indexdef(r.kept),
           'backs_constraint', r.backs_constraint,
           'hint', case when r.backs_constraint
             then pg_catalog.format('Same as %I.%I, but it backs a constraint (or a foreign key references it): drop that constraint with ALTER TABLE ... DROP CONSTRAINT, re-pointing foreign keys first.',
                    kn.nspname, kc.relname)
             else pg_catalog.format('Same as %I.%I: DROP INDEX CONCURRENTLY %I.%I;', kn.nspname, kc.relname, n.nspname, ic.relname) end
         ) as detail
    from ranked r
    join pg_catalog.pg_class ic on ic.oid = r.indexrelid
    join pg_catalog.pg_namespace n on n.oid = ic.relnamespace
    join pg_catalog.pg_class tc on tc.oid = r.indrelid
    join pg_catalog.pg_namespace tn on tn.oid = tc.relnamespace
    join pg_catalog.pg_class kc on kc.oid = r.kept
    join pg_catalog.pg_namespace kn on kn.oid = kc.relnamespace
   cross join p
   where tn.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
     and tn.nspname !~ '^pg_(toast_)?temp_'
     and (tn.nspname <> 'vigil' or p.include_vigil)
$$;

comment on function vigil.check_duplicate_indexes(jsonb) is
  'Exact duplicate indexes: same table, columns (indkey), operator classes (hence access method), collations, ordering options, expressions and predicate as another valid index. One row per redundant index (the one kept backs a constraint if any, else is unique, else is the oldest), value = its size in bytes; detail names the index it duplicates and the DROP hint. Reads pg_index, pg_class, pg_namespace and pg_constraint. Params: include_vigil (default false). Default thresholds: warning 1 (any), critical none, daily at info level, from PgHero duplicate indexes (which also reports prefix-covered indexes; this check reports exact duplicates only).';
