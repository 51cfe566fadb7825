-- vigil._alert_summary(p_severity, p_check_name, p_series, p_value): the one
-- line that names an alert in a notification, a psql view or a known-issue
-- match: "critical: long_queries pid 4242 = 312". The check's own aggregate
-- series '*' and an empty series are left out; the value has at most two
-- decimals.
create or replace function vigil._alert_summary(
  p_severity   text,
  p_check_name text,
  p_series     text,
  p_value      double precision
)
returns text
language sql
immutable
set search_path = ''
as $$
  select p_severity || ': ' || p_check_name
         || case when coalesce(p_series, '') in ('', '*') then '' else ' ' || p_series end
         || ' = ' || coalesce(pg_catalog.rtrim(pg_catalog.rtrim(pg_catalog.round(p_value::numeric, 2)::text, '0'), '.'), 'no data')
$$;

comment on function vigil._alert_summary(text, text, text, double precision) is
  'Internal: the one-line summary of an alert, e.g. vigil._alert_summary(''critical'', ''long_queries'', ''pid 4242'', 312) = ''critical: long_queries pid 4242 = 312''.';
