-- bench/notify_old.sql: vigil._notify as it was before it went incremental
-- (sql/functions/_notify.sql at commit 266bc09), kept for bench/notify.ts only,
-- which installs it in its own throwaway "old" database to time it side by side
-- with the current one. Not part of pgvigil: nothing else loads this file.

-- vigil._notify(p_now): the notification step of a tick, after the checks.
-- Turns alert state into outbox rows in the same transaction, by the rules
-- of docs/notifications.md, each step one set-based statement:
--   1. routing: every firing or resolved alert goes to the first enabled
--      route that matches it, and on to the next matching ones while the
--      matched route says continue;
--   2. grouping: one group per (route, group_by label values); the group
--      remembers what its receiver was told about each alert;
--   3. suppression: a check's active hours, maintenance windows, silences
--      and known issues hold a firing alert back; becoming suppressed is an
--      event, and counted;
--   4. flushing, as Alertmanager: group_wait before a group's first
--      notification, group_interval between two, repeat_interval before
--      the same news is sent again; a resolved alert is told only to a
--      receiver that was told it fired, and only with send_resolved;
--   5. escalation of unacknowledged firing alerts along the route's policy;
--   6. heartbeats of channels that ask for them.
-- Every outbox row has an idempotency key made of what caused it and p_now,
-- so a tick replayed at the same p_now cannot send twice.
create or replace function vigil._notify(p_now timestamptz)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_rows integer := 0;
  v_n    integer;
begin
  -- 1 and 2. Route every firing or resolved alert and bring the groups'
  -- members up to date. A firing alert creates its group (first
  -- notification due after group_wait); a resolved one only updates a
  -- group it is already in. An alert that left its route (deleted: a
  -- pending alert dropped, a clean resolved row removed; or no longer
  -- matching) is resolved for its group.
  with a as (
    select s.id, s.check_name, s.series, s.fingerprint, case when s.state = 'firing' then 'firing' else 'resolved' end as status,
           s.severity, s.value, s.detail, s.flapping, coalesce(s.fired_at, s.active_at) as starts_at,
           case when s.state = 'resolved' then s.resolved_at end as ends_at,
           s.labels || pg_catalog.jsonb_build_object('severity', s.severity)
             || case when c.service is not null then pg_catalog.jsonb_build_object('service', c.service) else '{}'::jsonb end as labels,
           c.service
      from vigil.alert_state s
      join vigil.checks c on c.name = s.check_name
     where s.state in ('firing', 'resolved')
  ), m as (
    select a.*, r.id as route_id, r.group_by, r.group_wait,
           -- Routes before this one that matched too: this one counts only
           -- if every one of them said continue.
           pg_catalog.bool_and(r.continue) over (partition by a.id order by r.position
                                                 rows between unbounded preceding and 1 preceding) as earlier_continue
      from a
      join vigil.routes r
        on r.enabled
       and case a.severity when 'critical' then 3 when 'warning' then 2 else 1 end
           >= case r.min_severity when 'critical' then 3 when 'warning' then 2 else 1 end
       and (r.service is null or r.service = a.service)
       and vigil._labels_match(r.matchers, a.labels)
  ), routed as materialized (
    select m.route_id, gl.labels::text as group_key, gl.labels as group_labels, m.id as alert_id, m.check_name, m.series,
           m.fingerprint, m.status, m.severity, m.value, m.labels,
           vigil._alert_summary(m.severity, m.check_name, m.series, m.value) as summary, m.detail, m.flapping,
           m.starts_at, m.ends_at, m.group_wait
      from m
     cross join lateral (select coalesce(pg_catalog.jsonb_object_agg(k.name, coalesce(m.labels ->> k.name, '')), '{}'::jsonb) as labels
                           from pg_catalog.unnest(m.group_by) as k(name)) gl
     where m.earlier_continue is null or m.earlier_continue
  ), new_groups as (
    insert into vigil.notification_groups (route_id, group_key, group_labels, created_at, next_flush_at)
    select distinct on (r.route_id, r.group_key) r.route_id, r.group_key, r.group_labels, p_now, p_now + r.group_wait
      from routed r
     where r.status = 'firing'
    on conflict (route_id, group_key) do nothing
    returning route_id, group_key
  ), groups as (
    select ng.route_id, ng.group_key from new_groups ng
    union
    select g.route_id, g.group_key from vigil.notification_groups g
  ), upserted as (
    insert into vigil.group_members as gm (route_id, group_key, alert_id, check_name, series, fingerprint, status, severity,
                                           value, labels, summary, detail, flapping, starts_at, ends_at)
    select r.route_id, r.group_key, r.alert_id, r.check_name, r.series, r.fingerprint, r.status, r.severity,
           r.value, r.labels, r.summary, r.detail, r.flapping, r.starts_at, r.ends_at
      from routed r
      join groups g on g.route_id = r.route_id and g.group_key = r.group_key
    on conflict (route_id, group_key, alert_id) do update
       set status = excluded.status, severity = excluded.severity, value = excluded.value, labels = excluded.labels,
           summary = excluded.summary, detail = excluded.detail, flapping = excluded.flapping,
           starts_at = excluded.starts_at, ends_at = excluded.ends_at
     where (gm.status, gm.severity, gm.value, gm.labels, gm.summary, gm.detail, gm.flapping, gm.starts_at, gm.ends_at)
           is distinct from (excluded.status, excluded.severity, excluded.value, excluded.labels, excluded.summary,
                             excluded.detail, excluded.flapping, excluded.starts_at, excluded.ends_at)
    returning 1
  ), missing as (
    -- Firing members no longer routed. A full join, because it can only be
    -- a hash or merge join: an anti join planned on stale statistics (a
    -- storm outruns autovacuum) went quadratic.
    select gm.route_id, gm.group_key, gm.alert_id
      from (select m.route_id, m.group_key, m.alert_id from vigil.group_members m where m.status = 'firing') gm
      full join routed r on r.route_id = gm.route_id and r.group_key = gm.group_key and r.alert_id = gm.alert_id
     where r.alert_id is null
  ), gone as (
    update vigil.group_members gm
       set status = 'resolved', ends_at = coalesce(gm.ends_at, p_now)
      from missing x
     where gm.route_id = x.route_id and gm.group_key = x.group_key and gm.alert_id = x.alert_id
    returning 1
  )
  select (select pg_catalog.count(*) from upserted) + (select pg_catalog.count(*) from gone) into v_n;

  -- 3. Suppression of firing members. Becoming suppressed (or free again)
  -- is an event on the alert, and the window, silence or known issue that
  -- holds it back counts it.
  with now_by as (
    select gm.route_id, gm.group_key, gm.alert_id, gm.suppressed_by as was,
           case when gm.status = 'firing' then
             coalesce(
               -- The check's active hours first: outside them, it says nothing.
               (select 'active_hours:' || c.name from vigil.checks c
                 where c.name = gm.check_name and (c.active_hours).weekdays is not null
                   and not vigil._in_recurrence(c.active_hours, p_now)),
               (select sp.kind || ':' || sp.id
                  from vigil._suppression_for(gm.labels, gm.summary || ' ' || coalesce(gm.detail::text, ''), p_now) sp
                 limit 1)) end as now_by
      from vigil.group_members gm
  ), changed as (
    update vigil.group_members gm
       set suppressed_by = n.now_by
      from now_by n
     where gm.route_id = n.route_id and gm.group_key = n.group_key and gm.alert_id = n.alert_id
       and n.was is distinct from n.now_by
    returning gm.*, n.was
  ), ev as (
    insert into vigil.alert_events (at, alert_id, check_name, series, event, severity, value, labels, detail)
    select distinct on (c.alert_id, e.event) p_now, c.alert_id, c.check_name, c.series, e.event, c.severity, c.value,
           c.labels, pg_catalog.jsonb_build_object('by', e.by, 'route_id', c.route_id)
      from changed c
     cross join lateral (values ('unsuppressed', c.was), ('suppressed', c.suppressed_by)) as e(event, by)
     where e.by is not null
     order by c.alert_id, e.event
    returning 1
  ), counted as (
    -- What held an alert back, counted once per alert (active hours are the
    -- check's own and are not counted).
    select pg_catalog.split_part(c.suppressed_by, ':', 1) as kind,
           pg_catalog.split_part(c.suppressed_by, ':', 2)::bigint as id, pg_catalog.count(distinct c.alert_id) as n
      from changed c
     where pg_catalog.split_part(c.suppressed_by, ':', 1) in ('maintenance_window', 'silence', 'known_issue')
     group by 1, 2
  ), count_windows as (
    update vigil.maintenance_windows w set suppressed_count = w.suppressed_count + x.n, last_suppressed_at = p_now
      from counted x where x.kind = 'maintenance_window' and w.id = x.id
  ), count_silences as (
    update vigil.silences si set suppressed_count = si.suppressed_count + x.n, last_suppressed_at = p_now
      from counted x where x.kind = 'silence' and si.id = x.id
  ), count_known as (
    update vigil.known_issues ki set suppressed_count = ki.suppressed_count + x.n, last_suppressed_at = p_now
      from counted x where x.kind = 'known_issue' and ki.id = x.id
  )
  select pg_catalog.count(*) into v_n from ev;

  -- 4. Forget what no receiver needs to hear: a resolved alert it was never
  -- told about (resolved within group_wait, or while suppressed), and one
  -- whose route does not send resolved notifications. Then empty groups. A
  -- flapping alert stays, so that its next fire is not news again.
  delete from vigil.group_members gm
   using vigil.routes r
   where r.id = gm.route_id and gm.status = 'resolved' and not gm.flapping
     and (gm.notified_status is distinct from 'firing' or not r.send_resolved);
  delete from vigil.notification_groups g
   where not exists (select from vigil.group_members gm where gm.route_id = g.route_id and gm.group_key = g.group_key);

  -- Flush: a group with news once next_flush_at has come, or with firing
  -- alerts repeat_interval after its last notification. News: a firing
  -- alert the receiver was not told is firing, a resolved one it was told
  -- fired, or an alert that started flapping (said once; while it flaps its
  -- comings and goings are not news).
  with due as (
    select g.route_id, g.group_key, g.group_labels, g.flushes, r.name as route, r.channel, r.send_resolved
      from vigil.notification_groups g
      join vigil.routes r on r.id = g.route_id
     where (p_now >= g.next_flush_at
            and exists (select from vigil.group_members gm
                         where gm.route_id = g.route_id and gm.group_key = g.group_key and gm.suppressed_by is null
                           and ((not gm.flapping and gm.status = 'firing' and gm.notified_status is distinct from 'firing')
                                or (not gm.flapping and gm.status = 'resolved' and gm.notified_status = 'firing')
                                or (gm.flapping and not gm.notified_flapping))))
        or (g.last_sent_at is not null and p_now >= g.last_sent_at + r.repeat_interval
            and exists (select from vigil.group_members gm
                         where gm.route_id = g.route_id and gm.group_key = g.group_key and gm.suppressed_by is null
                           and gm.status = 'firing'))
  ), told as (
    -- What each due group's notification carries: every firing alert that
    -- is not suppressed, and the resolved ones its receiver was told fired.
    select d.route_id, d.group_key, gm.alert_id
      from due d
      join vigil.group_members gm on gm.route_id = d.route_id and gm.group_key = d.group_key
     where gm.suppressed_by is null
       and (gm.status = 'firing' or gm.notified_status = 'firing')
  ), sent as (
    insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
    select p_now, d.channel, 'alerts',
           'alerts:' || d.route_id || ':' || pg_catalog.left(pg_catalog.md5(d.group_key), 16) || ':'
             || pg_catalog.to_char(p_now at time zone 'UTC', 'YYYYMMDD"T"HH24MISS.US'),
           pg_catalog.jsonb_build_object(
             'version', 1, 'kind', 'alerts', 'route', d.route, 'channel', d.channel,
             'groupKey', d.group_key, 'groupLabels', d.group_labels,
             'status', case when pg_catalog.bool_or(gm.status = 'firing') then 'firing' else 'resolved' end,
             'commonLabels', d.group_labels, 'sentAt', p_now,
             'alerts', pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                 'alertId', gm.alert_id, 'fingerprint', gm.fingerprint, 'status', gm.status,
                 'severity', gm.severity, 'check', gm.check_name, 'series', gm.series, 'value', gm.value,
                 'labels', gm.labels, 'summary', gm.summary, 'detail', gm.detail, 'flapping', gm.flapping,
                 'startsAt', gm.starts_at, 'endsAt', gm.ends_at, 'runbook', c.runbook_url)
               order by gm.status, case gm.severity when 'critical' then 1 when 'warning' then 2 else 3 end,
                        gm.starts_at, gm.alert_id)),
           p_now
      from due d
      join told t on t.route_id = d.route_id and t.group_key = d.group_key
      join vigil.group_members gm on gm.route_id = t.route_id and gm.group_key = t.group_key and gm.alert_id = t.alert_id
      left join vigil.checks c on c.name = gm.check_name
     group by d.route_id, d.group_key, d.group_labels, d.route, d.channel
    on conflict (idempotency_key) do nothing
    returning channel
  ), groups_done as (
    update vigil.notification_groups g
       set last_sent_at = p_now, next_flush_at = p_now + r.group_interval, flushes = g.flushes + 1
      from due d, vigil.routes r
     where g.route_id = d.route_id and g.group_key = d.group_key and r.id = g.route_id
  ), members_done as (
    update vigil.group_members gm
       set notified_status = gm.status, notified_flapping = gm.flapping
      from told t
     where gm.route_id = t.route_id and gm.group_key = t.group_key and gm.alert_id = t.alert_id
  )
  select pg_catalog.count(*) into v_n from sent;
  v_rows := v_rows + v_n;

  -- The resolved alerts just told (unless flapping), and the groups left
  -- empty, go.
  delete from vigil.group_members gm where gm.status = 'resolved' and gm.notified_status = 'resolved' and not gm.flapping;
  delete from vigil.notification_groups g
   where not exists (select from vigil.group_members gm where gm.route_id = g.route_id and gm.group_key = g.group_key);

  -- 5. Escalation.
  v_rows := v_rows + vigil._escalate(p_now);

  -- 6. Heartbeats: a channel that asks for one gets it every heartbeat_every.
  with hb as (
    update vigil.channels ch
       set last_heartbeat_at = p_now
     where ch.enabled and ch.heartbeat_every is not null
       and (ch.last_heartbeat_at is null or p_now >= ch.last_heartbeat_at + ch.heartbeat_every)
    returning ch.name
  ), sent as (
    insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
    select p_now, hb.name, 'heartbeat',
           'heartbeat:' || hb.name || ':' || pg_catalog.to_char(p_now at time zone 'UTC', 'YYYYMMDD"T"HH24MISS.US'),
           pg_catalog.jsonb_build_object('version', 1, 'kind', 'heartbeat', 'channel', hb.name, 'sentAt', p_now,
                                         'status', 'firing', 'alerts', '[]'::jsonb,
                                         'summary', 'pgvigil heartbeat: notifications are flowing'),
           p_now
      from hb
    on conflict (idempotency_key) do nothing
    returning channel
  )
  select pg_catalog.count(*) into v_n from sent;
  v_rows := v_rows + v_n;

  -- Wake the workers: one notification per channel with new rows.
  perform pg_catalog.pg_notify('vigil_outbox', o.channel)
     from (select distinct o.channel from vigil.outbox o where o.created_at = p_now and o.status = 'pending') o;
  return v_rows;
end
$$;

comment on function vigil._notify(timestamptz) is
  'Internal: the notification step of vigil.tick(p_now): routing, grouping (Alertmanager timing), suppression, escalation and heartbeats, written to vigil.outbox in the tick''s transaction; returns the number of outbox rows written. Rules: docs/notifications.md.';
