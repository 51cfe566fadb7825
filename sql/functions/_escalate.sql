-- vigil._escalate(p_now, p_changed): the escalation step of vigil._notify.
-- A firing, unacknowledged, unsuppressed alert on a route with an
-- escalation policy climbs the policy's steps: step 1 after its delay from
-- when escalation began, each next step after its own delay from the one
-- before, and the whole ladder again `repeat` more times. An ack, a resolve
-- or a suppression ends the escalation; an ack that times out leaves the
-- alert unacknowledged and firing, so it starts again from step 1
-- (re-armed). Each step is an outbox row to the step's channel and an
-- 'escalated' event.
--
-- What should escalate is every firing, unsuppressed group member of a
-- firing, unacknowledged alert, on a route with a policy; what does is
-- vigil.escalations. The step makes the second the first: it ends the
-- escalations that should not be, starts those that should (the policy's
-- first step due its delay from p_now), then takes the due steps.
--
-- Why it is shaped this way (bench/notify.ts, "escalation"; migration 0016):
-- comparing every firing member with every escalation cost 220 ms a tick at
-- 10,000 firing alerts with nothing changing. So it compares only the
-- alerts whose escalation may have changed since the last step
-- (vigil.escalation_cursor), which are:
-- - p_changed: the alerts whose group members vigil._notify changed in this
--   step (routed, resolved, left their route, suppressed or freed). Only
--   vigil._notify writes group members, and a change of an alert's state
--   reaches its members through routing;
-- - the alerts acknowledged now and not at the last step, or the other way
--   round (an ack, an unack, an ack that lapsed), from the partial index of
--   acknowledged alerts and the set the cursor kept. An ack and an unack
--   between two steps change nothing, as when every alert was compared;
-- - the alerts with a step due, so that no step is sent for an alert that
--   should no longer escalate, whatever missed telling.
-- It compares every alert when it cannot know what changed: p_changed null
-- (vigil._notify routed every alert again, or the step is called on its
-- own), no cursor yet, a step not after the last one (a replay), a
-- notification step since the last one that did not escalate (no route had
-- a policy and nothing escalated: what changed then was not kept), or other
-- routes' policies or policy steps than at the last step (config_hash).
-- Sets pass between statements as arrays and plans are custom, as in
-- vigil._notify; the statement that takes the due steps runs only when one
-- is due (min(next_at), from the index on next_at). With nothing changed
-- and nothing due, a step reads the cursor, the routes and policy steps, the
-- acknowledged alerts and min(next_at), and writes the cursor (0.6 ms at
-- 10,000 firing alerts; 5 ms with all 10,000 acknowledged).
create or replace function vigil._escalate(p_now timestamptz, p_changed bigint[] default null)
returns integer
language plpgsql
set search_path = ''
-- JIT would spend longer compiling these statements than running them.
set jit = off
-- Plan every statement with its arrays' real lengths.
set plan_cache_mode = force_custom_plan
as $$
declare
  v_n           integer := 0;
  v_last_now    timestamptz;
  v_last_step   timestamptz;
  v_last_config text;
  v_last_acked  bigint[];
  v_config      text;
  v_acked       bigint[];
  v_acked_same  boolean;
  v_full        boolean;
  v_first_due   timestamptz;
  v_alerts      bigint[] := '{}'::bigint[];
  v_end_alert   bigint[];
  v_end_route   bigint[];
  v_end_policy  text[];
  v_new_alert   bigint[];
  v_new_route   bigint[];
  v_new_policy  text[];
begin
  -- What may have changed since the last step.
  select c.last_now, c.config_hash, c.acked into v_last_now, v_last_config, v_last_acked
    from vigil.escalation_cursor c;
  -- (p_now of the last notification step: this one's, when it escalated.)
  select c.last_now into v_last_step from vigil.notify_cursor c;
  v_config := pg_catalog.md5(
    coalesce((select pg_catalog.string_agg(row(r.id, r.escalation_policy)::text, ',' order by r.id) from vigil.routes r), '') || '|'
    || coalesce((select pg_catalog.string_agg(row(s.policy, s.position)::text, ',' order by s.policy, s.position)
                   from vigil.escalation_steps s), ''));
  select coalesce(pg_catalog.array_agg(s.id order by s.id), '{}'::bigint[]) into v_acked
    from vigil.alert_state s
   where s.acked_at is not null;
  v_acked_same := v_acked = v_last_acked;
  v_full := p_changed is null or v_last_now is null or p_now <= v_last_now
            or v_last_step is distinct from v_last_now or v_config is distinct from v_last_config;
  v_first_due := (select pg_catalog.min(e.next_at) from vigil.escalations e);
  if not v_full then
    select coalesce(pg_catalog.array_agg(distinct x.id), '{}'::bigint[]) into v_alerts
      from (select c.id from pg_catalog.unnest(p_changed) as c(id)
            union all
            select coalesce(a.id, l.id)
              from pg_catalog.unnest(v_acked) as a(id)
              full join pg_catalog.unnest(v_last_acked) as l(id) on l.id = a.id
             where not v_acked_same and (a.id is null or l.id is null)
            union all
            select e.alert_id from vigil.escalations e where v_first_due <= p_now and e.next_at <= p_now) x;
  end if;

  -- End what should no longer escalate, start what should: the difference
  -- of the two sets, for the alerts that may have changed (every alert when
  -- v_full), as a full join (hash or merge only).
  if v_full or pg_catalog.cardinality(v_alerts) > 0 then
    with should as materialized (
      select distinct gm.alert_id, gm.route_id, r.escalation_policy as policy
        from vigil.group_members gm
        join vigil.alert_state s on s.id = gm.alert_id
        join vigil.routes r on r.id = gm.route_id
       where (v_full or gm.alert_id = any(v_alerts))
         and gm.status = 'firing' and gm.suppressed_by is null and s.state = 'firing' and s.acked_at is null
         and r.escalation_policy is not null
    ), does as materialized (
      select e.alert_id, e.route_id, e.policy
        from vigil.escalations e
       where v_full or e.alert_id = any(v_alerts)
    )
    select pg_catalog.array_agg(d.alert_id) filter (where s.alert_id is null),
           pg_catalog.array_agg(d.route_id) filter (where s.alert_id is null),
           pg_catalog.array_agg(d.policy) filter (where s.alert_id is null),
           pg_catalog.array_agg(s.alert_id) filter (where d.alert_id is null),
           pg_catalog.array_agg(s.route_id) filter (where d.alert_id is null),
           pg_catalog.array_agg(s.policy) filter (where d.alert_id is null)
      into v_end_alert, v_end_route, v_end_policy, v_new_alert, v_new_route, v_new_policy
      from should s
      full join does d on d.alert_id = s.alert_id and d.route_id = s.route_id and d.policy = s.policy
     where s.alert_id is null or d.alert_id is null;

    if v_end_alert is not null then
      delete from vigil.escalations e
       using rows from (pg_catalog.unnest(v_end_alert), pg_catalog.unnest(v_end_route), pg_catalog.unnest(v_end_policy))
             as x(alert_id, route_id, policy)
       where e.alert_id = x.alert_id and e.route_id = x.route_id and e.policy = x.policy;
    end if;
    -- (A policy without steps starts nothing.)
    if v_new_alert is not null then
      insert into vigil.escalations (alert_id, route_id, policy, started_at, next_step, loop, next_at)
      select x.alert_id, x.route_id, x.policy, p_now, 1, 0, p_now + f.delay
        from rows from (pg_catalog.unnest(v_new_alert), pg_catalog.unnest(v_new_route), pg_catalog.unnest(v_new_policy))
             as x(alert_id, route_id, policy)
        join (select distinct on (st.policy) st.policy, st.delay from vigil.escalation_steps st
               order by st.policy, st.position) f on f.policy = x.policy
      on conflict (alert_id, route_id) do nothing;
      v_first_due := (select pg_catalog.min(e.next_at) from vigil.escalations e);
    end if;
  end if;

  -- Take every due step: notify its channel, record it, move to the next.
  if v_first_due <= p_now then
    with due as (
      select e.*, st.channel, st.position,
             (select pg_catalog.count(*) from vigil.escalation_steps s2 where s2.policy = e.policy) as steps,
             p.repeat
        from vigil.escalations e
        join vigil.escalation_policies p on p.name = e.policy
        join lateral (select s2.* from vigil.escalation_steps s2 where s2.policy = e.policy
                       order by s2.position offset e.next_step - 1 limit 1) st on true
       where e.next_at <= p_now
    ), sent as (
      insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
      select p_now, d.channel, 'escalation',
             'escalation:' || d.alert_id || ':' || d.route_id || ':'
               || pg_catalog.to_char(d.started_at at time zone 'UTC', 'YYYYMMDD"T"HH24MISS.US') || ':' || d.loop || ':' || d.next_step,
             pg_catalog.jsonb_build_object(
               'version', 1, 'kind', 'escalation', 'route', r.name, 'channel', d.channel, 'policy', d.policy,
               'step', d.next_step, 'loop', d.loop, 'status', 'firing', 'sentAt', p_now,
               'groupKey', gm.group_key, 'groupLabels', g.group_labels,
               'alerts', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                   'alertId', gm.alert_id, 'fingerprint', gm.fingerprint, 'status', gm.status,
                   'severity', gm.severity, 'check', gm.check_name, 'series', gm.series, 'value', gm.value,
                   'labels', gm.labels, 'summary', gm.summary, 'detail', gm.detail, 'flapping', gm.flapping,
                   'startsAt', gm.starts_at, 'endsAt', gm.ends_at, 'runbook', c.runbook_url))),
             p_now
        from due d
        join vigil.routes r on r.id = d.route_id
        join vigil.group_members gm on gm.route_id = d.route_id and gm.alert_id = d.alert_id
        join vigil.notification_groups g on g.route_id = gm.route_id and g.group_key = gm.group_key
        left join vigil.checks c on c.name = gm.check_name
      on conflict (idempotency_key) do nothing
      returning 1
    ), ev as (
      insert into vigil.alert_events (at, alert_id, check_name, series, event, severity, value, labels, detail)
      select p_now, s.id, s.check_name, s.series, 'escalated', s.severity, s.value, s.labels,
             pg_catalog.jsonb_build_object('policy', d.policy, 'step', d.next_step, 'loop', d.loop, 'channel', d.channel)
        from due d
        join vigil.alert_state s on s.id = d.alert_id
    ), advanced as (
      update vigil.escalations e
         set next_step = case when d.next_step < d.steps then d.next_step + 1 else 1 end,
             loop = case when d.next_step < d.steps then d.loop else d.loop + 1 end,
             next_at = case when d.next_step >= d.steps and d.loop >= d.repeat then 'infinity'::timestamptz
                            else p_now + (select s2.delay from vigil.escalation_steps s2 where s2.policy = d.policy
                                           order by s2.position
                                          offset (case when d.next_step < d.steps then d.next_step else 0 end) limit 1) end
        from due d
       where e.alert_id = d.alert_id and e.route_id = d.route_id
    )
    select pg_catalog.count(*) into v_n from sent;
  end if;

  -- Where the next step starts. (The same acked set is not written again:
  -- the row keeps its stored value, however many alerts are acknowledged.)
  insert into vigil.escalation_cursor as c (id, last_now, config_hash, acked)
  values (true, p_now, v_config, v_acked)
  on conflict (id) do update
     set last_now = excluded.last_now, config_hash = excluded.config_hash,
         acked = case when v_acked_same then c.acked else excluded.acked end;
  return v_n;
end
$$;

comment on function vigil._escalate(timestamptz, bigint[]) is
  'Internal: the escalation step of vigil._notify(p_now): starts, advances and ends the escalation of firing, unacknowledged alerts along their route''s policy; returns the number of outbox rows written. Compares only the alerts that may have changed since the last step (p_changed: the alerts whose group members vigil._notify changed; acknowledgements; due steps; vigil.escalation_cursor), every alert when p_changed is null.';
