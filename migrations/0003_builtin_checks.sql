-- Up Migration
-- 0003 built-in checks: registers every check that ships, with the defaults
-- its function's COMMENT documents. A migration, not the repeatable layer:
-- registration is data that the DBA owns from then on. A check the DBA
-- changes or removes stays changed or removed; a later release that ships a
-- new check registers it in a new migration.
--
-- function_name is text, resolved at run time: the functions are created by
-- the repeatable layer right after the migrations.
insert into vigil.checks (name, function_name, every, direction, warning, critical, max_severity, description, builtin)
select v.name, v.function_name, v.every::interval, v.direction, v.warning, v.critical, v.max_severity, v.description, true
  from (values
    -- self-monitoring
    ('check_errors', 'vigil.check_check_errors', '1 minute', 'above', 1::double precision, 3::double precision, 'warning',
     'Checks whose latest run failed or timed out, with the number of consecutive failures.'),
    ('tick_lag', 'vigil.check_tick_lag', '1 minute', 'above', 180, 600, 'critical',
     'Seconds since the previous tick: ticks that slow down make every alert late.')
  ) as v(name, function_name, every, direction, warning, critical, max_severity, description)
on conflict (name) do nothing;
