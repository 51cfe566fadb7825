-- vigil._partition_key(p_parent): the partition key of a table pgvigil can
-- rotate: range-partitioned on one plain column of type timestamptz,
-- timestamp or date. No row for anything else (not partitioned, list or
-- hash, an expression or several columns, another type).
create or replace function vigil._partition_key(p_parent regclass)
returns table (key_column name, key_type text)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query
  select a.attname,
         case a.atttypid
           when 'pg_catalog.timestamptz'::pg_catalog.regtype then 'timestamptz'
           when 'pg_catalog.timestamp'::pg_catalog.regtype then 'timestamp'
           when 'pg_catalog.date'::pg_catalog.regtype then 'date'
         end
    from pg_catalog.pg_partitioned_table pt
    join pg_catalog.pg_attribute a on a.attrelid = pt.partrelid and a.attnum = pt.partattrs[0]
   where pt.partrelid = p_parent
     and pt.partstrat = 'r'
     and pt.partnatts = 1
     and a.atttypid in ('pg_catalog.timestamptz'::pg_catalog.regtype, 'pg_catalog.timestamp'::pg_catalog.regtype,
                        'pg_catalog.date'::pg_catalog.regtype);
end
$$;

comment on function vigil._partition_key(regclass) is
  'Internal: the key column and type (timestamptz, timestamp or date) of a table range-partitioned on one such column; no row otherwise.';
