-- vigil.due_maintenance(p_now): the statements to run now, one row per
-- (job, statement), in job name order. A job is due when it is enabled, its
-- next_due_at has come (null: never ran) and, when it has a window, that
-- maintenance window is active at p_now. It only plans: VACUUM cannot run
-- inside a function or a transaction block, so the runner (src/maintenance.ts:
-- the worker's scheduler, pgvigil maintain) runs each statement as its own
-- top-level statement, as run_as, and records it with
-- vigil.record_maintenance_run(..., p_now => the same p_now).
--
-- vacuum_analyze / analyze without a target: every table of
-- pg_stat_user_tables that meets all the conditions, the most dead (or
-- modified) tuples first, up to max_tables (default 100); with a target:
-- that table, when it meets the conditions (none: always). A due job with
-- nothing to do gives one row with a null statement, recorded as skipped so
-- that it is not due again until next time. refresh_matview: CONCURRENTLY
-- when the view is populated and has a unique index PostgreSQL accepts for
-- it (valid, immediate, on plain columns, no WHERE); otherwise a plain
-- REFRESH, which locks out readers while it runs.
create or replace function vigil.due_maintenance(p_now timestamptz default pg_catalog.now())
returns table (job text, kind text, statement text, run_as text, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with due as (
    select j.*
      from vigil.maintenance_jobs j
     where j.enabled
       and (j.next_due_at is null or j.next_due_at <= p_now)
       and (j.window_id is null
            or exists (select from vigil._active_suppressions_at(p_now) a
                        where a.kind = 'maintenance_window' and a.id = j.window_id))
  ), tables as (
    -- vacuum_analyze and analyze: the tables that qualify
    select d.name, d.kind, d.run_as,
           pg_catalog.format(case d.kind when 'vacuum_analyze' then 'VACUUM (ANALYZE) %I.%I' else 'ANALYZE %I.%I' end,
                             s.schemaname, s.relname) as statement,
           pg_catalog.jsonb_build_object('n_live_tup', s.n_live_tup, 'n_dead_tup', s.n_dead_tup,
                                         'n_mod_since_analyze', s.n_mod_since_analyze,
                                         'dead_ratio', pg_catalog.round(x.dead_ratio::numeric, 4)) as detail,
           pg_catalog.row_number() over (partition by d.name
                                          order by case d.kind when 'analyze' then s.n_mod_since_analyze else s.n_dead_tup end desc,
                                                   s.schemaname, s.relname) as n,
           coalesce((d.condition->>'max_tables')::integer, 100) as max_tables
      from due d
      join pg_catalog.pg_stat_user_tables s
        on d.target is null or s.relid = pg_catalog.to_regclass(d.target)
     cross join lateral (
       select s.n_dead_tup::double precision / nullif(s.n_live_tup + s.n_dead_tup, 0) as dead_ratio,
              s.n_mod_since_analyze::double precision / nullif(s.n_live_tup + s.n_dead_tup, 0) as mod_ratio) x
     where d.kind in ('vacuum_analyze', 'analyze')
       and (not d.condition ? 'dead_ratio_over' or x.dead_ratio > (d.condition->>'dead_ratio_over')::double precision)
       and (not d.condition ? 'min_dead_tuples' or s.n_dead_tup >= (d.condition->>'min_dead_tuples')::bigint)
       and (not d.condition ? 'modified_ratio_over' or x.mod_ratio > (d.condition->>'modified_ratio_over')::double precision)
       and (not d.condition ? 'schemas' or d.condition->'schemas' ? s.schemaname::text)
  ), targeted_missing as (
    -- a fixed target that has no stats row (dropped, renamed, or not a
    -- plain table): run it anyway, so that the error is recorded
    select d.name, d.kind, d.run_as,
           case d.kind when 'vacuum_analyze' then 'VACUUM (ANALYZE) ' else 'ANALYZE ' end || d.target as statement,
           pg_catalog.jsonb_build_object('note', 'no statistics for this target') as detail
      from due d
     where d.kind in ('vacuum_analyze', 'analyze') and d.target is not null and d.condition = '{}'::jsonb
       and not exists (select from pg_catalog.pg_stat_user_tables s where s.relid = pg_catalog.to_regclass(d.target))
  ), matviews as (
    select d.name, d.kind, d.run_as,
           case when c.oid is null then 'REFRESH MATERIALIZED VIEW ' || d.target
                when c.relispopulated and exists (
                  select from pg_catalog.pg_index i
                   where i.indrelid = c.oid and i.indisunique and i.indisvalid and i.indimmediate
                     and i.indpred is null and i.indexprs is null)
                  then pg_catalog.format('REFRESH MATERIALIZED VIEW CONCURRENTLY %I.%I', n.nspname, c.relname)
                else pg_catalog.format('REFRESH MATERIALIZED VIEW %I.%I', n.nspname, c.relname) end as statement,
           pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
             'populated', c.relispopulated,
             'note', case when c.oid is null then 'the materialized view does not exist'
                          when not c.relispopulated then 'not populated: CONCURRENTLY needs a populated view'
                          when not exists (select from pg_catalog.pg_index i
                                            where i.indrelid = c.oid and i.indisunique and i.indisvalid and i.indimmediate
                                              and i.indpred is null and i.indexprs is null)
                            then 'no unique index on plain columns without WHERE: CONCURRENTLY is not possible, readers wait' end)) as detail
      from due d
      left join pg_catalog.pg_class c on c.oid = pg_catalog.to_regclass(d.target) and c.relkind = 'm'
      left join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where d.kind = 'refresh_matview'
  ), planned as (
    select t.name, t.kind, t.statement, t.run_as, t.detail from tables t where t.n <= t.max_tables
    union all
    select m.name, m.kind, m.statement, m.run_as, m.detail from targeted_missing m
    union all
    select v.name, v.kind, v.statement, v.run_as, v.detail from matviews v
    union all
    select d.name, d.kind, d.target, d.run_as, null from due d where d.kind = 'sql'
  )
  select p.name, p.kind, p.statement, p.run_as, p.detail from planned p
  union all
  select d.name, d.kind, null, d.run_as, pg_catalog.jsonb_build_object('note', 'no table met the condition', 'condition', d.condition)
    from due d
   where not exists (select from planned p where p.name = d.name)
   order by 1, 3
$$;

comment on function vigil.due_maintenance(timestamptz) is
  'The maintenance statements due at p_now, one row per (job, statement): select * from vigil.due_maintenance(); (it only plans). A job is due when enabled, next_due_at <= p_now (or it never ran) and its maintenance window, if any, is active. vacuum_analyze: VACUUM (ANALYZE) schema.table per qualifying table; analyze: ANALYZE schema.table; refresh_matview: REFRESH MATERIALIZED VIEW CONCURRENTLY when the view is populated and has a usable unique index, else without; sql: the statement. A due job with nothing qualifying gives one row with a null statement (recorded as skipped). The runner (worker, pgvigil maintain) runs each statement top-level as run_as and records it with vigil.record_maintenance_run.';
