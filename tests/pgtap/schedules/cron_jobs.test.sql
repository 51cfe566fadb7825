-- vigil._cron_jobs: the one list of pgvigil's pg_cron jobs. vigil_tick runs
-- every 15 seconds on pg_cron 1.5 or newer (versions compare as numbers,
-- and Debian's '1.4-1' is 1.4), every minute before; vigil_rotate hourly;
-- vigil_housekeeping daily. For pg_cron in another database the names carry
-- @<database> and a fourth job cleans their run history in pg_cron's
-- database.
begin;
select tap.plan(9);

select tap.results_eq(
  $$select job, schedule, command, database from vigil._cron_jobs('1.4-1')$$,
  $$values ('vigil_tick', '* * * * *', 'select vigil.tick()', pg_catalog.current_database()::text collate pg_catalog."default"),
           ('vigil_rotate', '7 * * * *', 'select vigil.rotate_partitions()', pg_catalog.current_database()::text collate pg_catalog."default"),
           ('vigil_housekeeping', '17 3 * * *', 'select vigil.run_housekeeping()', pg_catalog.current_database()::text collate pg_catalog."default")$$,
  'pg_cron 1.4: the three jobs, vigil_tick every minute, all in this database');
select tap.is((select j.schedule from vigil._cron_jobs('1.5') j where j.job = 'vigil_tick'), '15 seconds',
  'pg_cron 1.5: vigil_tick every 15 seconds');
select tap.is((select j.schedule from vigil._cron_jobs('1.6.4') j where j.job = 'vigil_tick'), '15 seconds', '... 1.6.4 too');
select tap.is((select j.schedule from vigil._cron_jobs('1.10') j where j.job = 'vigil_tick'), '15 seconds',
  '... and 1.10 (numbers, not text: 1.10 > 1.5)');
select tap.is((select j.schedule from vigil._cron_jobs(null) j where j.job = 'vigil_tick'), '* * * * *',
  'an unknown version gets cron syntax, which every version knows');

select tap.results_eq(
  $$select job, database from vigil._cron_jobs('1.4', 'app')$$,
  $$values ('vigil_tick@app', 'app'), ('vigil_rotate@app', 'app'), ('vigil_housekeeping@app', 'app'),
           ('vigil_cron_cleanup@app', null::text)$$,
  'pg_cron in another database: names end in @app, and the clean-up runs in pg_cron''s database (null)');
select tap.is(
  (select j.command from vigil._cron_jobs('1.4', 'app') j where j.job = 'vigil_cron_cleanup@app'),
  'delete from cron.job_run_details d using cron.job j where j.jobid = d.jobid and pg_catalog.starts_with(j.jobname, ''vigil_'') and pg_catalog.right(j.jobname, 4) = ''@app'' and coalesce(d.end_time, d.start_time) < pg_catalog.now() - ''7 days''::interval',
  '... it deletes the run history of vigil_*@app jobs older than keep_cron_history');

select tap.throws_ok($$select * from vigil._cron_jobs('1.4', '')$$, '22023', 'database name is empty',
  'an empty database name is refused');
select tap.throws_ok($$select * from vigil._cron_jobs('1.4', pg_catalog.repeat('d', 45))$$, '42622', null,
  'a database name that would make job names over 63 bytes is refused (pg_cron would cut them)');

select * from tap.finish();
rollback;
