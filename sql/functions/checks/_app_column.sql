-- vigil._app_column(p_rel, p_params, p_key, p_required, p_kind): validates a
-- param that names a column of p_rel. The column must exist (pg_attribute,
-- not dropped, not a system column) and, when p_kind says so, have the right
-- type: 'timestamptz' (timestamp with time zone) or 'numeric' (any type of the
-- numeric category: integer, bigint, numeric, real, double precision ...).
-- Returns the column name for %I, or null when the param is absent and not
-- required. Raises 22023 with a HINT that lists the suitable columns.
create or replace function vigil._app_column(
  p_rel      regclass,
  p_params   jsonb,
  p_key      text,
  p_required boolean default true,
  p_kind     text default null
)
returns name
language plpgsql
stable
set search_path = ''
as $$
declare
  v_name     text := p_params ->> p_key;
  v_found    name;
  v_typid    oid;
  v_suitable text;
begin
  if p_kind is not null and p_kind not in ('timestamptz', 'numeric') then
    raise exception 'vigil._app_column: unknown column kind %', pg_catalog.quote_literal(p_kind)
      using errcode = 'invalid_parameter_value', hint = 'Use timestamptz, numeric or null.';
  end if;
  select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum) into v_suitable
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_type t on t.oid = a.atttypid
   where a.attrelid = p_rel and a.attnum > 0 and not a.attisdropped
     and (p_kind is null
          or (p_kind = 'timestamptz' and a.atttypid = 'pg_catalog.timestamptz'::pg_catalog.regtype)
          or (p_kind = 'numeric' and t.typcategory = 'N'));

  if p_params -> p_key is null or pg_catalog.jsonb_typeof(p_params -> p_key) = 'null' then
    if not p_required then
      return null;
    end if;
    raise exception 'param "%" is required: a column of %', p_key, p_rel
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('Columns of %s that fit: %s.', p_rel, coalesce(v_suitable, 'none'));
  end if;
  if pg_catalog.jsonb_typeof(p_params -> p_key) <> 'string' or v_name = '' then
    raise exception 'param "%" must be a column name (a JSON string), not %', p_key, (p_params -> p_key)::text
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('Columns of %s that fit: %s.', p_rel, coalesce(v_suitable, 'none'));
  end if;

  select a.attname, a.atttypid into v_found, v_typid
    from pg_catalog.pg_attribute a
   where a.attrelid = p_rel and a.attname = v_name and a.attnum > 0 and not a.attisdropped;
  if v_found is null then
    raise exception 'param "%": column % does not exist in %', p_key, pg_catalog.quote_ident(v_name), p_rel
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('Give the column name exactly as stored (case-sensitive, no quotes). Columns of %s that fit: %s.',
                                     p_rel, coalesce(v_suitable, 'none'));
  end if;
  if p_kind = 'timestamptz' and v_typid <> 'pg_catalog.timestamptz'::pg_catalog.regtype then
    raise exception 'param "%": column %.% is %, not timestamp with time zone', p_key, p_rel,
          pg_catalog.quote_ident(v_name), pg_catalog.format_type(v_typid, null)
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('Use a timestamptz column (%s), or a view that converts it, e.g. created_at at time zone ''UTC'' as created_at.',
                                     coalesce(v_suitable, 'this table has none'));
  end if;
  if p_kind = 'numeric'
     and (select t.typcategory from pg_catalog.pg_type t where t.oid = v_typid) <> 'N' then
    raise exception 'param "%": column %.% is %, not a number', p_key, p_rel,
          pg_catalog.quote_ident(v_name), pg_catalog.format_type(v_typid, null)
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('Use a numeric column (%s).', coalesce(v_suitable, 'this table has none'));
  end if;
  return v_found;
end
$$;

comment on function vigil._app_column(regclass, jsonb, text, boolean, text) is
  'Internal: validates an application-check param that names a column of a table (exists in pg_attribute; optionally timestamptz or numeric); returns the name for %I, null when optional and absent; raises 22023 with a HINT listing the columns that fit.';
