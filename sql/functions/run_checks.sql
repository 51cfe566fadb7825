-- vigil.run_checks(p_now): runs every check that is due, each isolated by
-- vigil.run_check, so that a failing check never stops the others.
create or replace function vigil.run_checks(p_now timestamptz default pg_catalog.now())
returns table (check_name text, status text)
language plpgsql
set search_path = ''
as $$
declare
  v_name text;
begin
  -- One subtransaction per check is the isolation unit; the loop is over
  -- checks (tens), never over the things they measure.
  for v_name in select d.name from vigil.due_checks(p_now) d loop
    check_name := v_name;
    status := vigil.run_check(v_name, p_now);
    return next;
  end loop;
end
$$;

comment on function vigil.run_checks(timestamptz) is
  'Runs every check due at p_now (see vigil.due_checks), each isolated; returns one row per run with its status (ok, error, timeout).';
