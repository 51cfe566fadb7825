-- vigil._partitions_of(p_parent): the partitions of a range-partitioned
-- table with their bounds as UTC timestamps (a timestamptz bound at UTC, a
-- timestamp bound as it is, a date bound at midnight), so that periods and
-- retention are computed one way for all three key types. A null bound is
-- MINVALUE or MAXVALUE (unbounded). The default partition comes with
-- is_default and no bounds.
--
-- The bounds are read back from pg_get_expr, whose literals follow DateStyle
-- (pinned to ISO here, so that the text always parses back) and TimeZone
-- (a timestamptz literal carries its offset, so any zone reads back right).
-- (A bound has no Vars, so pg_get_expr needs no relation: 0 is cheaper.)
-- plpgsql rather than SQL: its plan is kept for the session.
create or replace function vigil._partitions_of(p_parent regclass)
returns table (
  partition   regclass,
  schema_name name,
  table_name  name,
  is_default  boolean,
  range_from  timestamp,
  range_to    timestamp
)
language plpgsql
stable
set search_path = ''
set datestyle = 'ISO, YMD'
as $$
declare
  v_key_type text := (select k.key_type from vigil._partition_key(p_parent) k);
begin
  return query
  with b as materialized (
    select c.oid, n.nspname, c.relname, pg_catalog.pg_get_expr(c.relpartbound, 0) as bound
      from pg_catalog.pg_inherits i
      join pg_catalog.pg_class c on c.oid = i.inhrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where i.inhparent = p_parent
  ), m as materialized (
    select b.*, pg_catalog.regexp_match(b.bound, '^FOR VALUES FROM \((.*)\) TO \((.*)\)$') as m
      from b
  )
  select m.oid::pg_catalog.regclass, m.nspname, m.relname, m.bound = 'DEFAULT',
         case when m.m[1] ~ '^''' then
           case v_key_type
             when 'timestamptz' then pg_catalog.timezone('UTC', pg_catalog.btrim(m.m[1], '''')::timestamptz)
             when 'date' then pg_catalog.btrim(m.m[1], '''')::date::timestamp
             else pg_catalog.btrim(m.m[1], '''')::timestamp
           end
         end,
         case when m.m[2] ~ '^''' then
           case v_key_type
             when 'timestamptz' then pg_catalog.timezone('UTC', pg_catalog.btrim(m.m[2], '''')::timestamptz)
             when 'date' then pg_catalog.btrim(m.m[2], '''')::date::timestamp
             else pg_catalog.btrim(m.m[2], '''')::timestamp
           end
         end
    from m;
end
$$;

comment on function vigil._partitions_of(regclass) is
  'Internal: the partitions of a table range-partitioned on a timestamptz, timestamp or date column, with is_default and their bounds as UTC timestamps (null: MINVALUE or MAXVALUE).';
