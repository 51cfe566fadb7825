-- Every GRANT and REVOKE of pgvigil, in one place. Re-applied last by every
-- migrate (and by the bundle), in the same transaction as the functions and
-- views, so no object is ever reachable with the wrong privileges.
--
-- Rules:
--   * nothing in vigil belongs to PUBLIC;
--   * where Supabase's anon and authenticated roles exist, they get nothing;
--   * vigil_reader < vigil_operator < vigil_admin; vigil_worker stands apart;
--   * a role that does not exist (the installer could not create it) is
--     skipped, so migrate still succeeds.

revoke all on schema vigil from public;
revoke all on all tables in schema vigil from public;
revoke all on all sequences in schema vigil from public;
revoke all on all functions in schema vigil from public;

do $grants$
declare
  v_role text;
  v_stmt text;
begin
  -- Supabase's API roles: strip anything a default privilege may have given.
  foreach v_role in array array['anon', 'authenticated'] loop
    continue when not exists (select from pg_catalog.pg_roles r where r.rolname = v_role);
    execute format('revoke all on schema vigil from %I', v_role);
    execute format('revoke all on all tables in schema vigil from %I', v_role);
    execute format('revoke all on all sequences in schema vigil from %I', v_role);
    execute format('revoke all on all functions in schema vigil from %I', v_role);
  end loop;

  -- Role hierarchy. Granting membership needs the right to administer the
  -- granted role (PostgreSQL 16+: ADMIN OPTION, which the installer has when
  -- it created the role). Without it, say so and carry on.
  for v_role, v_stmt in
    select g.member, g.granted
      from (values ('vigil_operator', 'vigil_reader'),
                   ('vigil_admin',    'vigil_operator')) as g(member, granted)
      join pg_catalog.pg_roles m on m.rolname = g.member
      join pg_catalog.pg_roles r on r.rolname = g.granted
     where not exists (select from pg_catalog.pg_auth_members am
                        where am.roleid = r.oid and am.member = m.oid)
  loop
    begin
      execute format('grant %I to %I', v_stmt, v_role);
    exception when insufficient_privilege then
      raise notice 'pgvigil: could not make % a member of %: %', v_role, v_stmt, sqlerrm
        using hint = format('Ask a superuser to run: GRANT %I TO %I;', v_stmt, v_role);
    end;
  end loop;

  -- Object privileges, by role.
  for v_role, v_stmt in
    select g.role, g.stmt
      from (values
        ('vigil_reader', 'grant usage on schema vigil to vigil_reader'),
        ('vigil_reader', 'grant select on vigil.pgmigrations, vigil.sql_sources to vigil_reader'),
        ('vigil_reader', 'grant execute on function vigil.version() to vigil_reader'),
        ('vigil_reader', 'grant select on vigil.checks, vigil.check_runs, vigil.samples, vigil.tick_state to vigil_reader'),
        ('vigil_reader', 'grant execute on function vigil.due_checks(timestamptz) to vigil_reader'),
        ('vigil_reader', 'grant select on vigil.alert_state, vigil.alert_events, vigil.threshold_overrides to vigil_reader'),
        -- The psql views (sql/views) run with their owner's rights: select on the view is all a reader needs.
        ('vigil_reader', 'grant select on vigil.status, vigil.firing, vigil.recent_events, vigil.check_errors to vigil_reader'),
        ('vigil_reader', 'grant select on vigil.maintenance_windows, vigil.silences, vigil.known_issues, vigil.active_suppressions to vigil_reader'),
        ('vigil_reader', 'grant execute on function vigil._active_suppressions_at(timestamptz) to vigil_reader'),
        ('vigil_reader', 'grant execute on function vigil._recurrence_until(vigil.recurrence, timestamptz) to vigil_reader'),
        ('vigil_operator', 'grant execute on function vigil.ack(bigint, text, text, timestamptz) to vigil_operator'),
        ('vigil_operator', 'grant execute on function vigil.unack(bigint, text, timestamptz) to vigil_operator'),
        ('vigil_operator', 'grant execute on function vigil.add_maintenance_window(text, text[], timestamptz, timestamptz, integer[], time, time, text, date, date, text, text) to vigil_operator'),
        ('vigil_operator', 'grant execute on function vigil.end_maintenance_window(bigint, timestamptz) to vigil_operator'),
        ('vigil_operator', 'grant execute on function vigil.silence(text[], timestamptz, text, text, timestamptz, interval) to vigil_operator'),
        ('vigil_operator', 'grant execute on function vigil.expire_silence(bigint, timestamptz) to vigil_operator'),
        ('vigil_operator', 'grant execute on function vigil.add_known_issue(text, timestamptz, text, text, timestamptz) to vigil_operator'),
        ('vigil_operator', 'grant execute on function vigil.end_known_issue(bigint, timestamptz) to vigil_operator'),
        ('vigil_admin',  'grant execute on function vigil.set_threshold_override(text, text, double precision, double precision, double precision, double precision, interval, interval) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.remove_threshold_override(text, text) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.add_check(text, text, jsonb, interval, text, jsonb, text, double precision, double precision, interval, text, text, text, text, boolean, interval, boolean, double precision, double precision, interval, interval, text, integer, integer, double precision, double precision, interval) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.update_check(text, jsonb, interval, text, jsonb, text, double precision, double precision, interval, text, text, text, text, boolean, interval, text, double precision, double precision, interval, interval, text, integer, integer, double precision, double precision, interval) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.remove_check(text) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.enable_check(text) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.disable_check(text) to vigil_admin'),
        -- Notification policy. Channels stay out of reach of readers: a
        -- target can be a secret URL (a Slack webhook).
        ('vigil_reader', 'grant select on vigil.routes, vigil.escalation_policies, vigil.escalation_steps, vigil.notification_groups, vigil.group_members, vigil.escalations, vigil.outbox to vigil_reader'),
        ('vigil_reader', 'grant select on vigil.delivery_backlog, vigil.dead_letters to vigil_reader'),
        -- The morning report (SECURITY INVOKER): it reads only what a reader may select.
        ('vigil_reader', 'grant execute on function vigil.report(date, text, timestamptz) to vigil_reader'),
        ('vigil_admin',  'grant select on vigil.channels to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.add_channel(text, text, text, text, integer, interval, boolean, text) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.enable_channel(text) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.disable_channel(text, text) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.update_channel(text, text, text, integer, interval, boolean, text, text, text[]) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.remove_channel(text) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.add_route(text, text, integer, text, text, text[], text, text[], interval, interval, interval, boolean, boolean) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.remove_route(text) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.add_escalation_policy(text, text[], interval[], integer) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.remove_escalation_policy(text) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.set_active_hours(text, integer[], time, time, text) to vigil_admin'),
        ('vigil_worker', 'grant select on vigil.channels to vigil_worker'),
        ('vigil_worker', 'grant usage on schema vigil to vigil_worker'),
        ('vigil_worker', 'grant select on vigil.pgmigrations, vigil.sql_sources to vigil_worker'),
        ('vigil_worker', 'grant execute on function vigil.version() to vigil_worker'),
        -- Delivery (issue 6): the worker claims, settles and releases through
        -- SECURITY DEFINER functions and writes no table itself.
        ('vigil_worker', 'grant execute on function vigil.claim_deliveries(text, integer, interval, timestamptz, text[]) to vigil_worker'),
        ('vigil_worker', 'grant execute on function vigil.settle_delivery(bigint, text, text, integer, text, double precision, text, interval, timestamptz) to vigil_worker'),
        ('vigil_worker', 'grant execute on function vigil.settle_deliveries(text, bigint[], text[], integer[], text[], double precision[], text[], interval[], timestamptz) to vigil_worker'),
        ('vigil_worker', 'grant execute on function vigil.release_leases(text, timestamptz) to vigil_worker'),
        ('vigil_worker', 'grant execute on function vigil.defer_delivery(bigint, text, timestamptz, text, timestamptz) to vigil_worker'),
        -- (the backlog for its /metrics gauge)
        ('vigil_worker', 'grant select on vigil.delivery_backlog to vigil_worker'),
        -- (whether its scheduler should tick or stand by while pg_cron
        -- ticks: SECURITY DEFINER, it reads no table itself; ticking needs
        -- the installer)
        ('vigil_worker', 'grant execute on function vigil._worker_should_tick(timestamptz) to vigil_worker'),
        ('vigil_reader', 'grant select on vigil.delivery_attempts, vigil.retry_schedule to vigil_reader'),
        ('vigil_operator', 'grant execute on function vigil.replay_dead(bigint, text, timestamptz, timestamptz) to vigil_operator'),
        -- The retry schedule is configuration: an admin may change its rows.
        ('vigil_admin',  'grant insert, update, delete on vigil.retry_schedule to vigil_admin'),
        -- Partition rotation (issue 7): readers see the sets and what was
        -- detached; an admin registers tables and may rotate by hand.
        ('vigil_reader', 'grant select on vigil.partition_sets, vigil.detached_partitions to vigil_reader'),
        ('vigil_admin',  'grant execute on function vigil.register_partitioned(text, text, integer, interval, text, timestamptz) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.unregister_partitioned(text) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.rotate_partitions(timestamptz, interval) to vigil_admin'),
        -- Schedules (issue 7): an admin installs and removes pgvigil's pg_cron
        -- jobs (SECURITY DEFINER: they run as the installer); readers see
        -- the housekeeping retention and its last result, an admin sets it.
        ('vigil_admin',  'grant execute on function vigil.schedule() to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.unschedule() to vigil_admin'),
        ('vigil_reader', 'grant select on vigil.housekeeping to vigil_reader'),
        ('vigil_admin',  'grant update (keep_delivered, keep_cron_history) on vigil.housekeeping to vigil_admin'),
        -- Maintenance jobs (issue 7): readers see the jobs, their runs and
        -- what is due; an admin adds and removes jobs (SECURITY DEFINER,
        -- validated). Only the installer runs and records them
        -- (vigil.record_maintenance_run: the worker's scheduler, pgvigil maintain).
        ('vigil_reader', 'grant select on vigil.maintenance_jobs, vigil.maintenance_runs to vigil_reader'),
        ('vigil_reader', 'grant execute on function vigil.due_maintenance(timestamptz) to vigil_reader'),
        ('vigil_admin',  'grant execute on function vigil.add_maintenance_job(text, text, interval, text, jsonb, bigint, text, text, boolean) to vigil_admin'),
        ('vigil_admin',  'grant execute on function vigil.remove_maintenance_job(text) to vigil_admin')
      ) as g(role, stmt)
      join pg_catalog.pg_roles r on r.rolname = g.role
  loop
    execute v_stmt;
  end loop;
end
$grants$;
