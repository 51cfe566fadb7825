-- requires: plpgsql_check
-- Static checks over every vigil plpgsql function: plpgsql_check finds no
-- error and no warning (a function may carry "plpgsql_check: allow <why>" in
-- a comment to accept a warning).
begin;
select tap.plan(2);

select tap.is_empty(
  $$select p.oid::regprocedure::text || ': ' || c.level || ': ' || c.message
      from pg_catalog.pg_proc p
      join pg_catalog.pg_language l on l.oid = p.prolang and l.lanname = 'plpgsql'
      cross join lateral public.plpgsql_check_function_tb(
        p.oid,
        fatal_errors      => false,
        extra_warnings    => true,
        security_warnings => true) c
     where p.pronamespace = 'vigil'::regnamespace
       and p.prorettype <> 'trigger'::regtype
       and (c.level = 'error' or p.prosrc !~ 'plpgsql_check: allow')$$,
  'plpgsql_check: no errors and no unexplained warnings in vigil functions');

-- The check is live: a function that reads a missing table is reported.
create schema lint_probe;
create function lint_probe.broken() returns int language plpgsql set search_path = '' as
$$ begin return (select count(*) from lint_probe.no_such_table); end $$;
select tap.ok(
  exists (select from public.plpgsql_check_function_tb('lint_probe.broken()'::regprocedure, fatal_errors => false)
           where level = 'error' and message ~ 'no_such_table'),
  'plpgsql_check reports a function that reads a missing table (the lint can fail)');

select * from tap.finish();
rollback;
