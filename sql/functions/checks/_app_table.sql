-- vigil._app_table(p_params, p_key): resolves the table named by an
-- application-check param ("public.orders") without ever putting the param
-- text into SQL. The name is split with parse_ident, must have exactly two
-- parts (schema and table), and must name an existing table, view,
-- materialized view or foreign table. Callers quote the returned parts with
-- %I. Raises 22023 with a HINT on anything else.
create or replace function vigil._app_table(
  p_params jsonb,
  p_key text default 'table',
  out rel regclass,
  out schema_name name,
  out table_name name,
  out label text
)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_text  text := p_params ->> p_key;
  v_parts text[];
  v_kind  "char";
begin
  if pg_catalog.jsonb_typeof(p_params -> p_key) is distinct from 'string' or pg_catalog.btrim(v_text) = '' then
    raise exception 'param "%" is required and must be a string naming a table, not %', p_key,
          coalesce((p_params -> p_key)::text, 'missing')
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('Give the schema-qualified table, e.g. {"%s": "public.orders"}.', p_key);
  end if;
  begin
    v_parts := pg_catalog.parse_ident(v_text);
  exception when others then
    v_parts := null;
  end;
  if v_parts is null or pg_catalog.cardinality(v_parts) <> 2 then
    raise exception 'param "%" is not a schema-qualified table name: %', p_key, pg_catalog.quote_literal(v_text)
      using errcode = 'invalid_parameter_value',
            hint = 'Write schema.table, e.g. "public.orders"; double-quote a part that has capitals or other special characters, e.g. "public.\"Orders\"". Only a name is accepted here, never SQL.';
  end if;
  rel := pg_catalog.to_regclass(pg_catalog.format('%I.%I', v_parts[1], v_parts[2]));
  if rel is null then
    raise exception 'param "%": table %.% does not exist', p_key,
          pg_catalog.quote_ident(v_parts[1]), pg_catalog.quote_ident(v_parts[2])
      using errcode = 'invalid_parameter_value',
            hint = 'Check the spelling and the schema (\dt schema.*); names are case-sensitive only when double-quoted.';
  end if;
  select c.relkind, n.nspname, c.relname into v_kind, schema_name, table_name
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.oid = rel;
  if v_kind not in ('r', 'p', 'v', 'm', 'f') then
    raise exception 'param "%": % is not a table or view', p_key, rel
      using errcode = 'invalid_parameter_value',
            hint = 'Name a table, partitioned table, view, materialized view or foreign table.';
  end if;
  label := pg_catalog.format('%I.%I', schema_name, table_name);
end
$$;

comment on function vigil._app_table(jsonb, text) is
  'Internal: resolves the schema-qualified table named by an application-check param (default key "table") into its regclass, schema, name and a quoted label; raises 22023 with a HINT when the param is missing, not schema.table, or names no table or view.';
