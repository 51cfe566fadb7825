-- vigil._app_grouped_query(p_rel, p_group, p_aggregates, p_where, p_value,
-- p_detail): the query text of an application check that aggregates
-- the rows of one table, optionally one row per value of a group_by column,
-- and shapes each aggregate row into (series, value, labels, detail).
--
-- Why: check_error_ratio, check_latency_vs_baseline, check_sum_vs_baseline
-- and check_row_count differ only in what they aggregate and how they judge
-- it. The group_by plumbing (the group expression, GROUP BY, series and
-- labels) and the result shaping were the same in each; here they are built
-- once, so every template names its series and labels alike:
--   without p_group: one row, series = the table ("schema.table"), labels
--     {"table": "schema.table"};
--   with p_group: one row per value of that column (null reads "(null)"),
--     series = the value, labels {"table": "schema.table", "<column>": value}.
--
-- The caller gives SQL fragments it built itself (names with %I, values as
-- $n parameters of its own EXECUTE ... USING): p_aggregates, the select list
-- over the rows (table aliased t), e.g. 'pg_catalog.count(*) as n'; p_where,
-- conditions ANDed together, where a null element is left out (so an optional
-- raw predicate can be passed as '(' || v_where || ')'); p_value and
-- p_detail, a number and a jsonb object over the aggregate row (aliased g).
-- p_rel is the table vigil._app_table resolved; its name, the group column
-- and the labels go in as %I and %L, never as parameters, so the caller's $n
-- stay its own.
create or replace function vigil._app_grouped_query(
  p_rel        regclass,
  p_group      name,
  p_aggregates text,
  p_where      text[],
  p_value      text,
  p_detail     text
)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_schema name;
  v_table  name;
  v_label  text;
  v_conds  text := pg_catalog.array_to_string(p_where, ' and ');
begin
  select n.nspname, c.relname into v_schema, v_table
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.oid = p_rel;
  v_label := pg_catalog.format('%I.%I', v_schema, v_table);
  return pg_catalog.format($q$
    select g.grp, (%s)::double precision, %s, (%s)::jsonb
      from (select %s as grp, %s
              from %I.%I as t%s%s) as g$q$,
    p_value,
    case when p_group is null then pg_catalog.format('pg_catalog.jsonb_build_object(%L, %L::text)', 'table', v_label)
         else pg_catalog.format('pg_catalog.jsonb_build_object(%L, %L::text, %L::text, g.grp)', 'table', v_label, p_group) end,
    p_detail,
    case when p_group is null then pg_catalog.format('%L::text', v_label)
         else pg_catalog.format('coalesce(t.%I::text, %L)', p_group, '(null)') end,
    p_aggregates,
    v_schema, v_table,
    case when coalesce(v_conds, '') <> '' then ' where ' || v_conds else '' end,
    case when p_group is not null then ' group by 1' else '' end);
end
$$;

comment on function vigil._app_grouped_query(regclass, name, text, text[], text, text) is
  'Internal: the query text of an application check that aggregates one table (alias t), optionally grouped by a column, and returns (series, value, labels, detail): series and labels are the table, or the group value with labels {"table": ..., "<column>": value}. The caller supplies the aggregates, the conditions (null elements left out), the value and the detail as SQL built with %I and its own $n parameters.';
