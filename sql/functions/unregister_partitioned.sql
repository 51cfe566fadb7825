-- vigil.unregister_partitioned(p_table): stops rotating a table. Its
-- partitions stay as they are (nothing is dropped or detached), and no
-- more are premade. pgvigil's own history tables cannot be unregistered:
-- to keep their history for ever, register them again with a null
-- retention.
create or replace function vigil.unregister_partitioned(p_table text)
returns vigil.partition_sets
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin changes vigil.partition_sets only
-- through this API and vigil.register_partitioned.
declare
  v_parts  text[];
  v_parent text;
  v_row    vigil.partition_sets;
begin
  begin
    v_parts := pg_catalog.parse_ident(p_table);
  exception when others then
    v_parts := null;
  end;
  if v_parts is null or pg_catalog.cardinality(v_parts) <> 2 then
    raise exception 'table % is not a schema-qualified table name', coalesce(pg_catalog.quote_literal(p_table), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Write schema.table as it is registered: select parent from vigil.partition_sets;';
  end if;
  v_parent := pg_catalog.format('%I.%I', v_parts[1], v_parts[2]);
  select * into v_row from vigil.partition_sets s where s.parent = v_parent for update;
  if not found then
    raise exception 'table % is not registered for partition rotation', v_parent
      using errcode = 'no_data_found', hint = 'See select parent from vigil.partition_sets;';
  end if;
  if v_row.builtin then
    raise exception 'table % is one of pgvigil''s own history tables and cannot be unregistered', v_parent
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('To keep all of its history: select vigil.register_partitioned(%L, %L, p_retention => null);',
                                     v_parent, v_row.partition_interval);
  end if;
  delete from vigil.partition_sets s where s.parent = v_parent;
  return v_row;
end
$$;

comment on function vigil.unregister_partitioned(text) is
  'Stops rotating a table registered with vigil.register_partitioned; its partitions stay as they are: select vigil.unregister_partitioned(''public.system_logs''). Returns the removed row. Raises P0002 when it is not registered, 22023 for pgvigil''s own history tables (register them with a null retention to keep everything).';
