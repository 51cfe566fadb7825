-- bench/escalate_old.sql: vigil._escalate as it was before it went incremental
-- (sql/functions/_escalate.sql at 46480cf, unchanged since 2a28656), kept for
-- bench/notify.ts only, which installs it in its own throwaway "old" database
-- to time it side by side with the current one. Not part of pgvigil: nothing
-- else loads this file. It has the current signature, so that the current
-- vigil._notify calls it; it ignores p_changed and compares every firing
-- member on every step.

-- vigil._escalate(p_now): the escalation step of vigil._notify. A firing,
-- unacknowledged, unsuppressed alert on a route with an escalation policy
-- climbs the policy's steps: step 1 after its delay from when escalation
-- began, each next step after its own delay from the one before, and the
-- whole ladder again `repeat` more times. An ack, a resolve or a
-- suppression ends the escalation; an ack that times out leaves the alert
-- unacknowledged and firing, so it starts again from step 1 (re-armed).
-- Each step is an outbox row to the step's channel and an 'escalated' event.
create or replace function vigil._escalate(p_now timestamptz, p_changed bigint[] default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_n integer;
begin
  -- End what should no longer escalate.
  delete from vigil.escalations e
   where not exists (
     select from vigil.group_members gm
       join vigil.alert_state s on s.id = gm.alert_id
       join vigil.routes r on r.id = gm.route_id
      where gm.alert_id = e.alert_id and gm.route_id = e.route_id and gm.status = 'firing'
        and gm.suppressed_by is null and s.state = 'firing' and s.acked_at is null
        and r.escalation_policy = e.policy);

  -- Start escalating the alerts that should.
  insert into vigil.escalations (alert_id, route_id, policy, started_at, next_step, loop, next_at)
  select distinct gm.alert_id, gm.route_id, r.escalation_policy, p_now, 1, 0, p_now + st.delay
    from vigil.group_members gm
    join vigil.alert_state s on s.id = gm.alert_id
    join vigil.routes r on r.id = gm.route_id
    join vigil.escalation_steps st on st.policy = r.escalation_policy and st.position =
         (select pg_catalog.min(s2.position) from vigil.escalation_steps s2 where s2.policy = r.escalation_policy)
   where gm.status = 'firing' and gm.suppressed_by is null and s.state = 'firing' and s.acked_at is null
  on conflict (alert_id, route_id) do nothing;

  -- Take every due step: notify its channel, record it, move to the next.
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
  return v_n;
end
$$;

comment on function vigil._escalate(timestamptz, bigint[]) is
  'Internal: the escalation step of vigil._notify(p_now): starts, advances and ends the escalation of firing, unacknowledged alerts along their route''s policy; returns the number of outbox rows written. (bench/escalate_old.sql: the version before 0016.)';
