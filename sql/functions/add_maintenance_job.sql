-- vigil.add_maintenance_job(...): registers a maintenance job. Everything is
-- validated before anything is written: the name, the kind, the target (a
-- table or materialized view that exists now; stored as schema.name), the
-- condition's keys and values, the schedule, the window and the role the
-- statements will run as.
create or replace function vigil.add_maintenance_job(
  p_name        text,
  p_kind        text,
  p_every       interval,
  p_target      text     default null,
  p_condition   jsonb    default '{}'::jsonb,
  p_window_id   bigint   default null,
  p_run_as      text     default current_user,
  p_description text     default null,
  p_enabled     boolean  default true
)
returns vigil.maintenance_jobs
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin manages jobs only through this
-- validated API and never writes vigil.maintenance_jobs directly.
declare
  v_condition jsonb := coalesce(p_condition, '{}'::jsonb);
  v_rel       oid;
  v_relkind   "char";
  v_target    text := p_target;
  v_key       text;
  v_value     jsonb;
  v_row       vigil.maintenance_jobs;
begin
  if p_name is null or p_name !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' then
    raise exception 'maintenance job name % is not valid', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'Use lower case letters, digits, _ . and - (up to 63), e.g. ''vacuum_bloated''.';
  end if;
  if exists (select from vigil.maintenance_jobs j where j.name = p_name) then
    raise exception 'maintenance job % already exists', p_name
      using errcode = 'unique_violation',
            hint = 'Pick another name, or remove it first: select vigil.remove_maintenance_job(''' || p_name || ''').';
  end if;
  if p_kind is null or p_kind not in ('vacuum_analyze', 'analyze', 'refresh_matview', 'sql') then
    raise exception 'maintenance job kind % is not known', coalesce(pg_catalog.quote_literal(p_kind), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'One of vacuum_analyze, analyze, refresh_matview, sql.';
  end if;
  if p_every is null or p_every <= interval '0' then
    raise exception 'a maintenance job runs every positive interval, not %', coalesce(p_every::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'e.g. p_every => ''1 day'' or ''15 minutes''.';
  end if;
  if pg_catalog.jsonb_typeof(v_condition) <> 'object' then
    raise exception 'a maintenance job condition is a jsonb object, not %', v_condition
      using errcode = 'invalid_parameter_value', hint = 'e.g. ''{"dead_ratio_over": 0.2}''.';
  end if;

  if p_kind = 'sql' then
    if p_target is null or pg_catalog.btrim(p_target) = '' then
      raise exception 'a sql maintenance job needs its statement as p_target, not %', coalesce(pg_catalog.quote_literal(p_target), 'NULL')
        using errcode = 'invalid_parameter_value',
              hint = 'e.g. p_target => ''delete from app.sessions where expires_at < now()''.';
    end if;
  elsif p_target is not null then
    begin
      v_rel := pg_catalog.to_regclass(p_target);
    exception when others then
      v_rel := null;
    end;
    if v_rel is null then
      raise exception 'maintenance job target % is not a table or view that exists', pg_catalog.quote_literal(p_target)
        using errcode = 'undefined_table',
              hint = 'Name it as schema.name, e.g. ''public.orders''; quote mixed case as in SQL: ''public."Orders"''.';
    end if;
    select c.relkind, pg_catalog.format('%I.%I', n.nspname, c.relname) into v_relkind, v_target
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.oid = v_rel;
    if p_kind = 'refresh_matview' and v_relkind <> 'm' then
      raise exception '% is not a materialized view', v_target
        using errcode = 'wrong_object_type', hint = 'refresh_matview refreshes a materialized view; for a table use vacuum_analyze or analyze.';
    end if;
    if p_kind in ('vacuum_analyze', 'analyze') and v_relkind not in ('r', 'p', 'm') then
      raise exception '% is not a table or materialized view', v_target
        using errcode = 'wrong_object_type', hint = 'VACUUM and ANALYZE work on tables (partitioned too) and materialized views.';
    end if;
  elsif p_kind = 'refresh_matview' then
    raise exception 'a refresh_matview maintenance job needs the materialized view as p_target'
      using errcode = 'invalid_parameter_value', hint = 'e.g. p_target => ''app.daily_totals''.';
  end if;

  if p_kind in ('refresh_matview', 'sql') and v_condition <> '{}'::jsonb then
    raise exception 'a % maintenance job takes no condition, got %', p_kind, v_condition
      using errcode = 'invalid_parameter_value',
            hint = 'Conditions select tables for vacuum_analyze and analyze; put a condition of your own into a sql job''s statement.';
  end if;
  for v_key, v_value in select e.key, e.value from pg_catalog.jsonb_each(v_condition) e loop
    if v_key in ('dead_ratio_over', 'modified_ratio_over') then
      if pg_catalog.jsonb_typeof(v_value) <> 'number' or v_value::text::numeric < 0 or v_value::text::numeric >= 1 then
        raise exception 'condition % must be a ratio from 0 to below 1, not %', v_key, v_value
          using errcode = 'invalid_parameter_value', hint = 'e.g. {"dead_ratio_over": 0.2} for more than 20% dead tuples.';
      end if;
    elsif v_key in ('min_dead_tuples', 'max_tables') then
      if pg_catalog.jsonb_typeof(v_value) <> 'number' or v_value::text::numeric < 0
         or v_value::text::numeric <> pg_catalog.trunc(v_value::text::numeric) or v_value::text::numeric > 2147483647
         or (v_key = 'max_tables' and v_value::text::numeric < 1) then
        raise exception 'condition % must be a whole number%, not %', v_key,
          case when v_key = 'max_tables' then ' of at least 1' else ' of at least 0' end, v_value
          using errcode = 'invalid_parameter_value', hint = 'e.g. {"min_dead_tuples": 1000, "max_tables": 50}.';
      end if;
    elsif v_key = 'schemas' then
      if pg_catalog.jsonb_typeof(v_value) <> 'array' or pg_catalog.jsonb_array_length(v_value) = 0
         or exists (select from pg_catalog.jsonb_array_elements(v_value) s where pg_catalog.jsonb_typeof(s) <> 'string') then
        raise exception 'condition schemas must be a non-empty array of schema names, not %', v_value
          using errcode = 'invalid_parameter_value', hint = 'e.g. {"schemas": ["public", "app"]}.';
      end if;
    else
      raise exception 'maintenance job condition % is not known', pg_catalog.quote_literal(v_key)
        using errcode = 'invalid_parameter_value',
              hint = 'Known: dead_ratio_over, min_dead_tuples, modified_ratio_over (ratios 0 to 1), schemas (array), max_tables (default 100).';
    end if;
  end loop;
  if p_kind in ('vacuum_analyze', 'analyze') and p_target is null
     and not (v_condition ?| array['dead_ratio_over', 'min_dead_tuples', 'modified_ratio_over']) then
    raise exception 'a % maintenance job without a target needs a condition on dead or modified tuples, got %', p_kind, v_condition
      using errcode = 'invalid_parameter_value',
            hint = 'Name one table in p_target, or select tables, e.g. p_condition => ''{"dead_ratio_over": 0.2, "min_dead_tuples": 1000}''.';
  end if;

  if p_window_id is not null and not exists (
       select from vigil.maintenance_windows w where w.id = p_window_id and w.ended_at is null) then
    raise exception 'maintenance window % does not exist or has ended', p_window_id
      using errcode = 'invalid_parameter_value',
            hint = 'See select id, title from vigil.maintenance_windows where ended_at is null; add one with vigil.add_maintenance_window.';
  end if;

  if p_run_as is null or not exists (select from pg_catalog.pg_roles r where r.rolname = p_run_as) then
    raise exception 'role % does not exist', coalesce(pg_catalog.quote_literal(p_run_as), 'NULL')
      using errcode = 'undefined_object', hint = 'Leave p_run_as out to run the job as yourself.';
  end if;
  if not pg_catalog.pg_has_role(session_user, p_run_as, 'member') then
    raise exception 'you (%) are not a member of role %, so a job may not run as it', session_user, p_run_as
      using errcode = 'insufficient_privilege', hint = 'Leave p_run_as out to run the job as yourself, or ask a member of that role to add the job.';
  end if;

  insert into vigil.maintenance_jobs (name, kind, target, condition, every, window_id, run_as, enabled, description, created_by)
  values (p_name, p_kind, v_target, v_condition, p_every, p_window_id, p_run_as, coalesce(p_enabled, true), p_description, session_user)
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.add_maintenance_job(text, text, interval, text, jsonb, bigint, text, text, boolean) is
  'Registers a maintenance job; returns the new row. Kinds: vacuum_analyze and analyze (p_target one table, or null with p_condition selecting tables from pg_stat_user_tables: dead_ratio_over, min_dead_tuples, modified_ratio_over, schemas, max_tables), refresh_matview (p_target a materialized view; CONCURRENTLY when it is populated and has a usable unique index), sql (p_target the statement). e.g. select vigil.add_maintenance_job(''vacuum_bloated'', ''vacuum_analyze'', ''1 hour'', p_condition => ''{"dead_ratio_over": 0.2, "min_dead_tuples": 1000}''). p_window_id: run only while that maintenance window is active. p_run_as (default you): the role the statements run as. Raises 22023, 23505, 42P01, 42809, 42704 or 42501 with a HINT. The statements run as top-level statements from the worker''s scheduler or pgvigil maintain (docs/maintenance.md).';
