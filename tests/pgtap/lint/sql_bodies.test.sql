-- Every SQL-language vigil function body validates against this server's
-- catalog. The repeatable pass creates functions without body checks (as a
-- pg_dump restore does), so this is where a view missing on this PostgreSQL
-- version, or a typo, is caught; the version matrix runs it on 14 to 18.
begin;
select tap.plan(1);

set local check_function_bodies = on;
-- The validation error of one function, or null.
create function pg_temp.test_sql_body(p_oid oid) returns text language plpgsql as $$
begin
  perform pg_catalog.fmgr_sql_validator(p_oid);
  return null;
exception when others then
  return sqlerrm;
end $$;
select tap.is_empty(
  $$select p.oid::regprocedure::text || ': ' || e.msg
      from pg_catalog.pg_proc p
      join pg_catalog.pg_language l on l.oid = p.prolang and l.lanname = 'sql'
      cross join lateral (select pg_temp.test_sql_body(p.oid) as msg) e
     where p.pronamespace = 'vigil'::regnamespace and e.msg is not null$$,
  'every SQL-language vigil function body validates on this server');

select * from tap.finish();
rollback;
