-- pg_temp.hint_of(p_sql): the HINT of the error p_sql raises; null when it
-- raises none, or an error without a hint. Included with \ir by the tests
-- that check every error tells how to fix it.
create function pg_temp.hint_of(p_sql text) returns text language plpgsql as $$
declare
  v_hint text;
begin
  execute p_sql;
  return null;
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint;
  return nullif(v_hint, '');
end $$;
