-- requires: superuser
-- (it drops and creates pg_stat_statements and uses SET ROLE vigil_reader,
-- which an installer that only has CREATEROLE may not do.)
-- The report's slowest statements come from pg_stat_statements when it is
-- installed in this database: top 5 of this database by total execution
-- time, query text last (truncated to 80 characters). Without the extension,
-- one line says so and how to enable it. A reader without pg_read_all_stats
-- sees other roles' statements without their text, and a line says so.
-- The extension is created in the transaction when the server has it;
-- otherwise those tests are skipped. This database's statistics are reset
-- first, so that the slow statement below is the slowest.
begin;
select tap.plan(8);

drop extension if exists pg_stat_statements;
select tap.results_eq(
  $$select r.item, r.value from vigil.report() r where r.section = 'slowest statements'$$,
  $$values ('pg_stat_statements', 'not installed')$$,
  'without pg_stat_statements in this database: one line, not installed');
select tap.matches(
  (select r.detail from vigil.report() r where r.section = 'slowest statements'),
  'shared_preload_libraries = ''pg_stat_statements''.*create extension pg_stat_statements;',
  '... saying how to enable it');

create function pg_temp.with_extension() returns setof text language plpgsql set search_path = '' as $$
begin
  if not exists (select from pg_catalog.pg_available_extensions e where e.name = 'pg_stat_statements') then
    return next tap.skip('pg_stat_statements is not available on this server', 6);
    return;
  end if;
  create extension pg_stat_statements schema public;
  if pg_catalog.current_setting('shared_preload_libraries') !~ 'pg_stat_statements' then
    return next tap.results_eq(
      $q$select r.item, r.value from vigil.report() r where r.section = 'slowest statements'$q$,
      $q$values ('pg_stat_statements', 'not loaded')$q$,
      'installed but not preloaded: one line, not loaded');
    return next tap.skip('pg_stat_statements is not in shared_preload_libraries', 5);
    return;
  end if;
  -- Only this file's statements from here on (pg_prove runs every file in
  -- one database): forget this database's entries. Not transactional, and
  -- harmless in a test database.
  perform public.pg_stat_statements_reset(dbid => (select d.oid from pg_catalog.pg_database d
                                                   where d.datname = pg_catalog.current_database()));
  return next tap.pass('pg_stat_statements is installed and preloaded');
end $$;
select * from pg_temp.with_extension();

-- A statement slow enough to be in the top 5 of this database.
select pg_catalog.pg_sleep(0.5);

create function pg_temp.statements() returns setof text language plpgsql set search_path = '' as $$
begin
  if not exists (select from pg_catalog.pg_extension e where e.extname = 'pg_stat_statements')
     or pg_catalog.current_setting('shared_preload_libraries') !~ 'pg_stat_statements' then
    return next tap.skip('pg_stat_statements is not usable here', 5);
    return;
  end if;
  create temp table pss on commit drop as
  select r.ord, r.item, r.value, r.detail
    from vigil.report() with ordinality as r(section, item, value, detail, ord)
   where r.section = 'slowest statements';
  return next tap.is((select p.item from pss p order by p.ord limit 1), 'since',
    'with pg_stat_statements: a first line says since when the totals run');
  return next tap.ok((select pg_catalog.count(*) from pss p where p.item ~ '^#[1-5]$') between 1 and 5,
    '... then up to 5 statements, #1 to #5');
  return next tap.ok(
    exists (select from pss p where p.item ~ '^#' and p.detail ~ '^1 call, mean [0-9,.]+ ms, [0-9.]+% of all: select pg_catalog\.pg_sleep\(\$1\)$'),
    '... the slow one among them, with its calls, mean and share, and its text last');
  return next tap.ok(not exists (select from pss p where p.item ~ '^#' and pg_catalog.length(p.detail) > 160),
    '... query texts cut to about 80 characters');

  -- As vigil_reader (no pg_read_all_stats): the installer's statements have no text.
  set local role vigil_reader;
  return next tap.matches(
    (select r.value || ' / ' || r.detail from vigil.report() r where r.section = 'slowest statements' and r.item = 'hidden'),
    '^[0-9]+ statements / the text of other roles'' statements is hidden from vigil_reader .*grant pg_read_all_stats to vigil_reader;$',
    'as vigil_reader, a line says the text of other roles'' statements is hidden, and what to grant');
  reset role;
end $$;
select * from pg_temp.statements();

select * from tap.finish();
rollback;
