-- vigil.check_default_partitions(p_params): rows in the default partition
-- of every registered partition set (vigil.partition_sets: pgvigil's own
-- history tables and the DBA's). A row lands there when no partition covers
-- its key: premaking fell behind (nothing ran vigil.rotate_partitions, a
-- lock was not available), or the row is far in the past or future. Such
-- rows are never removed by retention, and while they are there the
-- partition for their range cannot be made, so every later row of that
-- range lands there too: the DBA has to move them (docs/partitions.md).
--
-- One row per set that has a default partition, value = its row count
-- (counted up to param count_limit, default 1,000,000, so that a huge
-- default partition costs a bounded scan), detail = the oldest and newest
-- key among the rows counted. A set whose table is gone, or whose default
-- partition this role cannot read, gives a note (null value) instead.
create or replace function vigil.check_default_partitions(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_limit  bigint := vigil._app_number(p_params, 'count_limit', 1000000, 1, 1e12, true)::bigint;
  v_set    record;
  v_rows   bigint;
  v_oldest jsonb;
  v_newest jsonb;
begin
  for v_set in
    select s.parent, pt.partdefid, n.nspname, c.relname, k.key_column
      from vigil.partition_sets s
      left join pg_catalog.pg_partitioned_table pt on pt.partrelid = pg_catalog.to_regclass(s.parent)
      left join pg_catalog.pg_class c on c.oid = pt.partdefid
      left join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      left join lateral vigil._partition_key(pt.partrelid) k on true
     where pt.partrelid is null or pt.partdefid <> 0
     order by s.parent
  loop
    series := v_set.parent;
    labels := pg_catalog.jsonb_build_object('table', v_set.parent);
    if v_set.partdefid is null or v_set.key_column is null then
      value := null;
      detail := pg_catalog.jsonb_build_object('note', 'the table does not exist or is no longer partitioned by range on a time column; vigil.rotate_partitions reports it');
    elsif not pg_catalog.has_table_privilege(v_set.partdefid, 'select') then
      value := null;
      detail := pg_catalog.jsonb_build_object('partition', pg_catalog.format('%I.%I', v_set.nspname, v_set.relname),
                                              'note', pg_catalog.format('%s may not read it', current_user));
    else
      execute pg_catalog.format(
        'select pg_catalog.count(*), pg_catalog.to_jsonb(pg_catalog.min(d.k)), pg_catalog.to_jsonb(pg_catalog.max(d.k))
           from (select t.%I as k from %I.%I t limit %s) d',
        v_set.key_column, v_set.nspname, v_set.relname, v_limit)
        into v_rows, v_oldest, v_newest;
      value := v_rows;
      detail := pg_catalog.jsonb_build_object(
        'partition', pg_catalog.format('%I.%I', v_set.nspname, v_set.relname),
        'rows', v_rows,
        'at_least', v_rows >= v_limit,
        'oldest', v_oldest,
        'newest', v_newest);
      if v_rows > 0 then
        detail := detail || pg_catalog.jsonb_build_object('hint',
          'No partition covers these rows and retention never removes them; make the missing partitions and move the rows (docs/partitions.md, "Rows in a default partition").');
      end if;
    end if;
    return next;
  end loop;
end
$$;

comment on function vigil.check_default_partitions(jsonb) is
  'Self-monitoring: rows in the default partition of each registered partition set (vigil.partition_sets), one row per set with a default partition, series = the table, value = rows (counted up to param count_limit, default 1,000,000; detail.at_least says when capped), detail has the partition and the oldest and newest key. Such rows are in no range: retention never removes them and the partition for their range cannot be made. A table that is gone, or a default partition this role cannot read, gives a note (null value). Reads pg_partitioned_table and the default partitions. Defaults: warning 1 row, no critical, every 15 minutes; pgvigil''s own choice (pg_partman''s check_default() likewise reports any row).';
