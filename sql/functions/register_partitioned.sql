-- vigil.register_partitioned(...): hands a range-partitioned table to
-- pgvigil's partition rotation, or changes how an already registered one is
-- rotated (pgvigil's own history tables included):
--   select vigil.register_partitioned('public.system_logs', 'month', p_retention => '90 days');
-- The table must exist and be partitioned by range on one timestamptz,
-- timestamp or date column. Every input is validated first; then the set is
-- written and its partitions premade at once (the period holding p_now and
-- the premake periods after it). A partition that cannot be made yet (rows
-- of its range in the default partition, a lock not available) is reported
-- with a NOTICE; vigil.rotate_partitions tries again.
--
-- Whose table: pgvigil's owner makes and drops the partitions (as
-- vigil.rotate_partitions runs). So a table outside the vigil schema may be
-- registered only by a member of its owner (the session's login role, which
-- could run the same DDL itself), and only if pgvigil's owner has the
-- owner's privileges; otherwise vigil_admin could make pgvigil drop data it
-- cannot touch.
create or replace function vigil.register_partitioned(
  p_table            text,
  p_interval         text,
  p_premake          integer default 4,
  p_retention        interval default null,
  p_retention_action text default null,
  p_now              timestamptz default pg_catalog.now()
)
returns vigil.partition_sets
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin changes vigil.partition_sets only
-- through this validated API, and the partitions are made by pgvigil's owner.
declare
  v_parts  text[];
  v_rel    regclass;
  v_kind   "char";
  v_schema name;
  v_table  name;
  v_owner  oid;
  v_action text;
  v_row    vigil.partition_sets;
  v_done   record;
begin
  if p_table is null or pg_catalog.btrim(p_table) = '' then
    raise exception 'table name is %', case when p_table is null then 'NULL' else 'blank' end
      using errcode = 'invalid_parameter_value', hint = 'Give the schema-qualified table, e.g. ''public.system_logs''.';
  end if;
  begin
    v_parts := pg_catalog.parse_ident(p_table);
  exception when others then
    v_parts := null;
  end;
  if v_parts is null or pg_catalog.cardinality(v_parts) <> 2 then
    raise exception 'table % is not a schema-qualified table name', pg_catalog.quote_literal(p_table)
      using errcode = 'invalid_parameter_value',
            hint = 'Write schema.table, e.g. ''public.system_logs''; double-quote a part with capitals or other special characters, e.g. ''public."SystemLogs"''.';
  end if;
  v_rel := pg_catalog.to_regclass(pg_catalog.format('%I.%I', v_parts[1], v_parts[2]));
  if v_rel is null then
    raise exception 'table %.% does not exist', pg_catalog.quote_ident(v_parts[1]), pg_catalog.quote_ident(v_parts[2])
      using errcode = 'undefined_table',
            hint = 'Check the spelling and the schema (\dt schema.*); create the table, PARTITION BY RANGE on its time column, first.';
  end if;
  select c.relkind, n.nspname, c.relname, c.relowner into v_kind, v_schema, v_table, v_owner
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.oid = v_rel;
  if v_kind <> 'p' then
    raise exception 'table %.% is not partitioned', pg_catalog.quote_ident(v_schema), pg_catalog.quote_ident(v_table)
      using errcode = 'invalid_parameter_value',
            hint = 'pgvigil rotates tables declared PARTITION BY RANGE (a timestamptz, timestamp or date column); docs/partitions.md shows how to move a plain table into one.';
  end if;
  if not exists (select from vigil._partition_key(v_rel)) then
    raise exception 'table %.% is partitioned by %, not by range on one timestamptz, timestamp or date column',
      pg_catalog.quote_ident(v_schema), pg_catalog.quote_ident(v_table), pg_catalog.pg_get_partkeydef(v_rel)
      using errcode = 'invalid_parameter_value',
            hint = 'pgvigil makes time ranges: the table must be PARTITION BY RANGE (created_at) with created_at a timestamptz, timestamp or date.';
  end if;
  if p_interval is null or p_interval not in ('day', 'week', 'month') then
    raise exception 'partition interval % is not day, week or month', coalesce(pg_catalog.quote_literal(p_interval), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'One of day, week (starting Monday) or month (starting on the 1st).';
  end if;
  if p_premake is null or p_premake not between 1 and 366 then
    raise exception 'premake % is not between 1 and 366', coalesce(p_premake::text, 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'How many periods after the current one to keep made ahead; the default is 4.';
  end if;
  if p_retention <= interval '0' then
    raise exception 'retention % is not positive', p_retention
      using errcode = 'invalid_parameter_value', hint = 'e.g. ''90 days'', or null to keep everything.';
  end if;
  v_action := coalesce(p_retention_action, case when v_schema = 'vigil' then 'drop' else 'detach' end);
  if v_action not in ('drop', 'detach') then
    raise exception 'retention action % is not drop or detach', pg_catalog.quote_literal(v_action)
      using errcode = 'invalid_parameter_value',
            hint = 'drop: DROP TABLE the expired partition; detach: DETACH it and keep it as a table of its own (the default for your tables).';
  end if;
  if pg_catalog.octet_length(v_table) + (case p_interval when 'month' then 8 else 10 end) > 63 then
    raise exception 'table name % is too long for its partitions'' names (% plus _pYYYYMMDD is over 63 bytes)',
      pg_catalog.quote_ident(v_table), pg_catalog.octet_length(v_table)
      using errcode = 'invalid_parameter_value',
            hint = 'Rename the table to at most 53 bytes (55 for monthly partitions).';
  end if;
  if p_now is null then
    raise exception 'p_now is NULL'
      using errcode = 'invalid_parameter_value', hint = 'Omit it to use now().';
  end if;
  if v_schema <> 'vigil' then
    if not pg_catalog.pg_has_role(session_user, v_owner, 'MEMBER') then
      raise exception 'only a member of the owner of %.% (%) may register it; % is not',
        pg_catalog.quote_ident(v_schema), pg_catalog.quote_ident(v_table), v_owner::regrole, session_user
        using errcode = 'insufficient_privilege',
              hint = 'pgvigil will create, drop and detach its partitions: log in as its owner (or a member of it) to register it.';
    end if;
    if not pg_catalog.pg_has_role(current_user, v_owner, 'USAGE') then
      raise exception 'pgvigil''s owner % cannot make partitions of %.%, which % owns',
        current_user, pg_catalog.quote_ident(v_schema), pg_catalog.quote_ident(v_table), v_owner::regrole
        using errcode = 'insufficient_privilege',
              hint = pg_catalog.format('Let it: grant %s to %I; or alter table %I.%I owner to %I;',
                                       v_owner::regrole, current_user, v_schema, v_table, current_user);
    end if;
  end if;

  insert into vigil.partition_sets as s (parent, partition_interval, premake, retention, retention_action)
  values (pg_catalog.format('%I.%I', v_schema, v_table), p_interval, p_premake, p_retention, v_action)
  on conflict (parent) do update
     set partition_interval = excluded.partition_interval,
         premake = excluded.premake,
         retention = excluded.retention,
         retention_action = excluded.retention_action,
         updated_at = pg_catalog.now()
  returning * into v_row;

  for v_done in select m.action, m.partition, m.detail from vigil._premake_partitions(v_row, p_now, interval '1 second') m loop
    if v_done.action <> 'created' then
      raise notice 'pgvigil: % % %: %', v_row.parent, v_done.action, v_done.partition, v_done.detail
        using hint = 'vigil.rotate_partitions tries again; vigil.check_default_partitions reports rows in the default partition.';
    end if;
  end loop;
  return v_row;
end
$$;

comment on function vigil.register_partitioned(text, text, integer, interval, text, timestamptz) is
  'Registers a table partitioned by range on one timestamptz, timestamp or date column for rotation, or changes a registered one (pgvigil''s own included): select vigil.register_partitioned(''public.system_logs'', ''month'', p_retention => ''90 days''). p_interval: day, week (Monday) or month; p_premake: periods made ahead (1 to 366, default 4); p_retention: null keeps everything; p_retention_action: drop or detach (default: detach for your tables, drop for pgvigil''s own). Premakes at once and returns the vigil.partition_sets row. A table outside the vigil schema may be registered only by a member of its owner. Raises 42P01 for a missing table, 22023 for bad input, 42501 when not allowed.';
