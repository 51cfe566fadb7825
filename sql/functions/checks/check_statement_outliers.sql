-- vigil.check_statement_outliers(p_params): statements of this database whose
-- mean execution time is high, from pg_stat_statements.
--
-- Why: one statement that got slow (a lost index, a plan flip, a table that
-- grew) hurts every caller. pg_stat_statements knows each statement's mean
-- time; the check reports the statements of the current database that run at
-- least min_calls times (default 10) with a mean above min_mean_ms (default
-- 100), the top `limit` (default 20) by total time, one row per queryid.
-- pg_stat_statements is optional: when it is not installed in this database,
-- not readable, or not loaded through shared_preload_libraries, there are no
-- rows and no error. It is read with dynamic SQL (schema from pg_extension,
-- quoted with %I), so the function compiles without it. PostgreSQL 13+ column
-- names (mean_exec_time, total_exec_time); an extension left at a pre-1.8
-- version (mean_time, total_time) is read too. The means are over everything
-- since the last pg_stat_statements_reset(). Entries of other roles are
-- hidden without pg_read_all_stats: detail.hidden_statements counts them.
create or replace function vigil.check_statement_outliers(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_min_mean  double precision := coalesce((p_params->>'min_mean_ms')::double precision, 100);
  v_min_calls double precision := coalesce((p_params->>'min_calls')::double precision, 10);
  v_limit     integer := coalesce((p_params->>'limit')::integer, 20);
  v_length    integer := coalesce((p_params->>'query_length')::integer, 500);
  v_schema    name;
  v_view      regclass;
  v_total_col text := 'total_exec_time';
  v_dboid     oid;
begin
  select n.nspname into v_schema
    from pg_catalog.pg_extension e
    join pg_catalog.pg_namespace n on n.oid = e.extnamespace
   where e.extname = 'pg_stat_statements';
  if v_schema is null then
    return;
  end if;
  v_view := pg_catalog.to_regclass(pg_catalog.format('%I.pg_stat_statements', v_schema));
  if v_view is null
     or not pg_catalog.has_schema_privilege(v_schema, 'usage')
     or not pg_catalog.has_table_privilege(v_view, 'select') then
    return;
  end if;
  if not exists (select from pg_catalog.pg_attribute a
                  where a.attrelid = v_view and a.attname = 'total_exec_time' and not a.attisdropped) then
    v_total_col := 'total_time';
  end if;
  select d.oid into v_dboid from pg_catalog.pg_database d where d.datname = pg_catalog.current_database();

  begin
    for series, value, labels, detail in execute pg_catalog.format($q$
      with per_query as (
        select p.queryid,
               pg_catalog.min(p.query) as query,
               pg_catalog.sum(p.calls)::double precision as calls,
               pg_catalog.sum(p.%1$I)::double precision as total_ms
          from %2$I.pg_stat_statements p
         where p.dbid = $1 and p.queryid is not null
         group by p.queryid
      ), hidden as (
        select pg_catalog.count(*) as n
          from %2$I.pg_stat_statements p
         where p.dbid = $1 and p.queryid is null
      )
      select q.queryid::text,
             q.total_ms / q.calls,
             pg_catalog.jsonb_build_object('queryid', q.queryid::text),
             pg_catalog.jsonb_build_object(
               'query', pg_catalog.left(q.query, $5),
               'calls', q.calls,
               'total_ms', pg_catalog.round(q.total_ms::numeric, 3),
               'mean_ms', pg_catalog.round((q.total_ms / q.calls)::numeric, 3))
             || case when hidden.n > 0 then pg_catalog.jsonb_build_object('hidden_statements', hidden.n)
                     else '{}'::jsonb end
        from per_query q cross join hidden
       where q.calls >= $2 and q.calls > 0 and q.total_ms / q.calls > $3
       order by q.total_ms desc
       limit $4
    $q$, v_total_col, v_schema)
    using v_dboid, v_min_calls, v_min_mean, v_limit, v_length
    loop
      return next;
    end loop;
  exception
    -- pg_stat_statements installed but not in shared_preload_libraries
    when object_not_in_prerequisite_state then
      return;
  end;
end
$$;

comment on function vigil.check_statement_outliers(jsonb) is
  'Statements of the current database with a high mean execution time, from pg_stat_statements (total_exec_time and calls per queryid, PostgreSQL 13+ names); up to param limit (default 20) rows by total time, only statements with at least min_calls (default 10) calls and a mean above min_mean_ms (default 100); series = queryid, value = mean milliseconds, detail {query (truncated to query_length, default 500), calls, total_ms, mean_ms}. No rows when pg_stat_statements is not installed in this database, not readable, or not preloaded. Default thresholds (direction above): warning 1000, critical 5000 ms, max_severity info (a slow statement is for the day shift, not a page); pgvigil''s choice, in the spirit of PgHero''s slow query list (mean above 20 ms and at least 100 calls), raised to what deserves a notification.';
