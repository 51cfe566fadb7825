-- vigil.detached_partitions: the partitions that retention detached (sets
-- with retention_action detach), which are tables of their own now, with
-- their rows, until a DBA drops them:
--   select * from vigil.detached_partitions;
--   drop table public.system_logs_p202601;   -- when no longer needed
-- vigil.rotate_partitions marks each one it detaches with a COMMENT that
-- starts "pgvigil: detached from <parent> at <time>"; this view lists the
-- tables that carry such a comment and are not partitions again, so it
-- never goes stale: a table dropped (or attached back) leaves it.
create or replace view vigil.detached_partitions as
select pg_catalog.format('%I.%I', n.nspname, c.relname) as table_name,
       m.m[1] as detached_from,
       m.m[2]::timestamptz as detached_at,
       pg_catalog.pg_total_relation_size(c.oid) as total_bytes,
       d.description as note
  from pg_catalog.pg_description d
  join pg_catalog.pg_class c on c.oid = d.objoid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  cross join lateral pg_catalog.regexp_match(d.description,
    '^pgvigil: detached from (.+) at ([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\+00) by retention') as m(m)
 where d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
   and d.objsubid = 0
   and d.description like 'pgvigil: detached from %'
   and c.relkind in ('r', 'p')
   and not c.relispartition
   and m.m is not null
 order by detached_at, table_name;

comment on view vigil.detached_partitions is
  'Partitions that retention detached (retention_action detach) and that still exist as tables of their own: the table, the partitioned table it came from, when, its size, and the note vigil.rotate_partitions left on it (which range it held). Drop one when it is no longer needed: drop table <table_name>;';
comment on column vigil.detached_partitions.table_name is 'The detached table, schema-qualified.';
comment on column vigil.detached_partitions.detached_from is 'The partitioned table it was a partition of.';
comment on column vigil.detached_partitions.detached_at is 'p_now of the rotation that detached it.';
comment on column vigil.detached_partitions.total_bytes is 'pg_total_relation_size: table, indexes and TOAST.';
comment on column vigil.detached_partitions.note is 'The COMMENT pgvigil left on it: where it came from, when, and the range of rows it held.';
