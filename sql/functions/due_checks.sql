-- vigil.due_checks(p_now): the enabled checks whose next run is due at
-- p_now. Runs are aligned to multiples of each check's interval (date_bin),
-- so a one-minute check runs once per minute however the ticks jitter.
create or replace function vigil.due_checks(p_now timestamptz default pg_catalog.now())
returns table (name text, timeout interval)
language sql
stable
set search_path = ''
as $$
  select c.name, c.timeout
    from vigil.checks c
   where c.enabled
     and (c.last_run_at is null
          or pg_catalog.date_bin(c.every, p_now, timestamptz '2000-01-01 00:00:00+00')
             <> pg_catalog.date_bin(c.every, c.last_run_at, timestamptz '2000-01-01 00:00:00+00'))
   order by c.name;
$$;

comment on function vigil.due_checks(timestamptz) is
  'The enabled checks due at p_now, with their timeouts: a check is due once per multiple of its interval. The driver runs each with set statement_timeout = timeout; select vigil.run_check(name, p_now).';
