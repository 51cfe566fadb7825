-- vigil.firing: the firing alerts, most severe first, then the oldest, narrow
-- enough to read in psql as is:
--   select * from vigil.firing;
-- vigil.status has the wide version (pending alerts, every threshold, the
-- owner); this one answers "what is on fire, since when, and who has it".
--
-- summary is one line: "critical: long_queries pid 4242 = 312 (critical >= 300)".
-- Its first part is vigil._alert_summary (as in notifications: the
-- aggregate series '*' and an empty series are left out; the value has at
-- most two decimals); the part in brackets is the threshold of the level the alert
-- crossed (the raw level: a critical capped to warning by max_severity says
-- "warning: ... (critical >= 90)"), effective as in vigil.status (longest
-- matching override wins, null falls back to the check). When the value is
-- not past that threshold, the bracket says why it still fires: "no data"
-- (the last run did not return the series), "clearing" (keep_firing_for
-- holds it) or "held until < exit" (hysteresis).
--
-- Privileges: a plain view runs with its owner's rights on PostgreSQL 14 to
-- 18 alike, so vigil_reader needs select on the view only (sql/grants.sql);
-- security_invoker (15+) is not used (see sql/views/status.sql).
create or replace view vigil.firing as
select s.id,
       s.severity,
       s.check_name,
       s.series,
       s.value,
       s.fired_at as since,
       pg_catalog.date_trunc('second', pg_catalog.now() - s.fired_at) as duration,
       s.acked_at is not null as acked,
       s.acked_by,
       s.flapping,
       vigil._alert_summary(s.severity, s.check_name, s.series, s.value)
         || case when t.enter is null then ''
                 else ' (' || s.level || case when t.below then ' <= ' else ' >= ' end
                      || pg_catalog.rtrim(pg_catalog.rtrim(pg_catalog.round(t.enter::numeric, 2)::text, '0'), '.')
                      || case when s.missing_count > 0 then ', no data'
                              when s.keep_firing_since is not null then ', clearing'
                              when s.value is null or t.exit is null then ''
                              when (t.below and s.value > t.enter) or (not t.below and s.value < t.enter)
                                then ', held until ' || case when t.below then '> ' else '< ' end
                                     || pg_catalog.rtrim(pg_catalog.rtrim(pg_catalog.round(t.exit::numeric, 2)::text, '0'), '.')
                              else '' end
                      || ')' end as summary,
       c.runbook_url,
       s.labels
  from vigil.alert_state s
  -- left: an alert of a check removed since still shows.
  left join vigil.checks c on c.name = s.check_name
  left join lateral (
    select ov.warning, ov.critical, ov.warning_exit, ov.critical_exit
      from vigil.threshold_overrides ov
     where ov.check_name = s.check_name and s.series like ov.series_pattern
     order by pg_catalog.length(ov.series_pattern) desc, ov.series_pattern
     limit 1) o on true
  -- The enter and exit threshold of the level crossed, as in vigil.status.
  cross join lateral (
    select c.direction = 'below' as below,
           case s.level when 'critical' then coalesce(o.critical, c.critical)
                        else coalesce(o.warning, c.warning) end as enter,
           case s.level
             when 'critical' then case when o.critical is not null then coalesce(o.critical_exit, o.critical)
                                       else coalesce(o.critical_exit, c.critical_exit, c.critical) end
             else case when o.warning is not null then coalesce(o.warning_exit, o.warning)
                       else coalesce(o.warning_exit, c.warning_exit, c.warning) end
           end as exit) t
 where s.state = 'firing'
 order by case s.severity when 'critical' then 1 when 'warning' then 2 else 3 end, s.fired_at, s.id;

comment on view vigil.firing is
  'The firing alerts, most severe first, then the oldest: id (for vigil.ack), severity, check, series, value, since when, for how long (against now()), who acknowledged it, whether it flaps, a one-line summary and the runbook. select * from vigil.firing; vigil.status has pending alerts and the thresholds. Runs with its owner''s rights: vigil_reader needs select on the view only.';
comment on column vigil.firing.id is 'The alert (vigil.alert_state.id): select vigil.ack(id, ''me'', ''on it'').';
comment on column vigil.firing.value is 'The value at the last evaluation that changed the alert (vigil.samples has every run''s value).';
comment on column vigil.firing.since is 'When it started firing (fired_at).';
comment on column vigil.firing.duration is 'now() - since, to the second.';
comment on column vigil.firing.acked is 'Acknowledged (escalation stopped until the ack lapses or the alert resolves).';
comment on column vigil.firing.flapping is 'Flapping: it notified once that it flaps and stays quiet until it stops.';
comment on column vigil.firing.summary is 'One line: "severity: check series = value (level >= threshold)", the effective threshold of the level crossed; ", no data", ", clearing" (keep_firing_for) or ", held until < exit" (hysteresis) say why it fires with its value not past the threshold.';
comment on column vigil.firing.labels is 'The alert''s labels: the check''s || the series'' || {check, series}.';
