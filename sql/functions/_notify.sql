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
--
-- Why it is shaped this way (bench/notify.ts measures it; migration 0014):
-- - It works on what changed since the last step (vigil.notify_cursor), not
--   on every alert: the alerts evaluated since (alert_state.last_eval_at
--   after last_now; or written by a transaction that step could not see,
--   such as a manual run_check committing during the tick) and the alerts
--   with events since (a resolved alert whose row is already gone), less
--   those rewritten with nothing a receiver sees changed (a flap history
--   filling up). Whatever else routing reads is configuration: when the
--   routes, or the checks' service or labels, differ from the last step's
--   (config_hash), or the tick is not after the last one (a replay), every
--   alert is routed again. What holds alerts back (checks outside their
--   active hours, active windows, silences and known issues) is computed
--   once per tick; every member is evaluated against it again only when it
--   differs from the last step's (suppression_hash), otherwise only the
--   members that routing just changed. Due groups are found through the
--   partial index of members that are news (group_members_news).
-- - Row counts of these sets are often far from the statistics (a storm
--   outruns autovacuum), and a nested loop over two sets that were both
--   thought small went quadratic (193 s for one tick at 10,000 alerts). So
--   sets pass from one statement to the next as arrays (plans are custom:
--   an array's length is known when planning), every join into a table is
--   on its key, a set difference is a full join of a materialized CTE (hash
--   or merge only), and a lookup driven from a set is a lateral subquery
--   that the planner cannot turn around (offset 0).
-- - Statements with nothing to do are not run: in the steady state (many
--   firing alerts, nothing changes) a tick costs a scan of alert_state and
--   a few small statements.
create or replace function vigil._notify(p_now timestamptz)
returns integer
language plpgsql
set search_path = ''
-- JIT would spend longer compiling these statements than running them.
set jit = off
-- Plan every statement with its arrays' real lengths (see above).
set plan_cache_mode = force_custom_plan
as $$
declare
  v_rows         integer := 0;
  v_n            integer;
  -- Transactions from this one on may have written what this step cannot see.
  v_snapshot     xid8 := pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot());
  v_last_now     timestamptz;
  v_last_xmin    xid8;
  v_last_xact    xid8;
  v_last_config  text;
  v_last_supp    text;
  v_config       text;
  v_supp         text;
  v_full         boolean;
  v_all_members  boolean;
  v_age_limit    bigint;
  v_changed      bigint[] := '{}'::bigint[];
  v_touched      bigint[] := '{}'::bigint[];
  v_supp_changed bigint[] := '{}'::bigint[];
  v_quiet        text[];
  v_sup_kind     text[];
  v_sup_id       bigint[];
  v_sup_matchers jsonb[];
  v_sup_pattern  text[];
  v_left_route   bigint[];
  v_left_key     text[];
  v_due_route    bigint[];
  v_due_key      text[];
begin
  -- 0. What changed since the last step.
  select c.last_now, c.snapshot_xmin, c.xact_id, c.config_hash, c.suppression_hash
    into v_last_now, v_last_xmin, v_last_xact, v_last_config, v_last_supp
    from vigil.notify_cursor c;
  v_config := pg_catalog.md5(
    coalesce((select pg_catalog.string_agg(r::text, ',' order by r.id) from vigil.routes r), '') || '|'
    || coalesce((select pg_catalog.string_agg(row(c.name, c.service, c.labels)::text, ',' order by c.name)
                   from vigil.checks c), ''));
  v_full := v_last_now is null or p_now <= v_last_now or v_config is distinct from v_last_config;
  if not v_full then
    -- A row written at or after the last step's snapshot_xmin is at most
    -- v_age_limit old (age(xmin) counts back from this transaction). In the
    -- same transaction as the last step, none: that step saw its writes.
    v_age_limit := case when pg_catalog.pg_current_xact_id() = v_last_xact then -2147483648
                        else pg_catalog.pg_current_xact_id()::text::bigint - v_last_xmin::text::bigint end;
    -- Of these, an alert rewritten with nothing a receiver sees changed
    -- (its flap history filling, say) routes as before: a member of it says
    -- so already. The labels are composed as routing composes them below.
    select coalesce(pg_catalog.array_agg(distinct x.id), '{}') into v_changed
      from (select s.id,
                   s.state in ('firing', 'resolved') and c.name is not null
                   and exists (select from vigil.group_members gm
                                where gm.alert_id = s.id
                                  and (gm.status, gm.severity, gm.value, gm.labels, gm.detail, gm.flapping, gm.starts_at, gm.ends_at)
                                      is not distinct from
                                      (case when s.state = 'firing' then 'firing' else 'resolved' end, s.severity, s.value,
                                       s.labels || pg_catalog.jsonb_build_object('severity', s.severity)
                                         || case when c.service is not null then pg_catalog.jsonb_build_object('service', c.service)
                                                 else '{}'::jsonb end,
                                       s.detail, s.flapping, coalesce(s.fired_at, s.active_at),
                                       case when s.state = 'resolved' then s.resolved_at end)) as same
              from vigil.alert_state s
              left join vigil.checks c on c.name = s.check_name
             where s.last_eval_at > v_last_now
                or (s.last_eval_at < v_last_now and pg_catalog.age(s.xmin) <= v_age_limit)
            union all
            select e.alert_id, false from vigil.alert_events e where e.at > v_last_now
            offset 0) x
     where not x.same;
  end if;

  -- 1 and 2. Route the alerts that changed (every alert when v_full) and
  -- bring the groups' members up to date. A firing alert creates its group
  -- (first notification due after group_wait); a resolved one only updates
  -- its members (the groups it is in). An alert that left its route
  -- (deleted: a pending alert dropped, a clean resolved row removed; or no
  -- longer matching) is resolved for its group.
  if v_full or pg_catalog.cardinality(v_changed) > 0 then
    with a as materialized (
      select s.id, s.check_name, s.series, s.fingerprint, case when s.state = 'firing' then 'firing' else 'resolved' end as status,
             s.severity, s.value, s.detail, s.flapping, coalesce(s.fired_at, s.active_at) as starts_at,
             case when s.state = 'resolved' then s.resolved_at end as ends_at,
             s.labels || pg_catalog.jsonb_build_object('severity', s.severity)
               || case when c.service is not null then pg_catalog.jsonb_build_object('service', c.service) else '{}'::jsonb end as labels,
             c.service
        from vigil.alert_state s
        join vigil.checks c on c.name = s.check_name
       where s.state in ('firing', 'resolved')
         and (v_full or s.id = any(v_changed))
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
         and (r.matchers = '[]'::jsonb or vigil._labels_match(r.matchers, a.labels))
    ), k as (
      select m.*, gl.labels as group_labels
        from m
       cross join lateral (select coalesce(pg_catalog.jsonb_object_agg(x.name, coalesce(m.labels ->> x.name, '')), '{}'::jsonb) as labels
                             from pg_catalog.unnest(m.group_by) as x(name)) gl
       where m.earlier_continue is null or m.earlier_continue
    ), routed as materialized (
      select k.route_id, k.group_labels::text as group_key, k.group_labels, k.id as alert_id, k.check_name, k.series,
             k.fingerprint, k.status, k.severity, k.value, k.labels,
             vigil._alert_summary(k.severity, k.check_name, k.series, k.value) as summary, k.detail, k.flapping,
             k.starts_at, k.ends_at, k.group_wait
        from k
    ), new_groups as (
      insert into vigil.notification_groups (route_id, group_key, group_labels, created_at, next_flush_at)
      select distinct on (r.route_id, r.group_key) r.route_id, r.group_key, r.group_labels, p_now, p_now + r.group_wait
        from routed r
       where r.status = 'firing'
      on conflict (route_id, group_key) do nothing
    ), upserted as (
      insert into vigil.group_members as gm (route_id, group_key, alert_id, check_name, series, fingerprint, status, severity,
                                             value, labels, summary, detail, flapping, starts_at, ends_at)
      select r.route_id, r.group_key, r.alert_id, r.check_name, r.series, r.fingerprint, r.status, r.severity,
             r.value, r.labels, r.summary, r.detail, r.flapping, r.starts_at, r.ends_at
        from routed r
       where r.status = 'firing'
          or exists (select from vigil.group_members x
                      where x.route_id = r.route_id and x.group_key = r.group_key and x.alert_id = r.alert_id)
      on conflict (route_id, group_key, alert_id) do update
         set status = excluded.status, severity = excluded.severity, value = excluded.value, labels = excluded.labels,
             summary = excluded.summary, detail = excluded.detail, flapping = excluded.flapping,
             starts_at = excluded.starts_at, ends_at = excluded.ends_at
       where (gm.status, gm.severity, gm.value, gm.labels, gm.summary, gm.detail, gm.flapping, gm.starts_at, gm.ends_at)
             is distinct from (excluded.status, excluded.severity, excluded.value, excluded.labels, excluded.summary,
                               excluded.detail, excluded.flapping, excluded.starts_at, excluded.ends_at)
      returning gm.alert_id
    ), missing as materialized (
      -- Firing members (of the alerts that changed) no longer routed. A
      -- full join, because it can only be a hash or merge join (and
      -- materialized: inlined into the update below, the planner would
      -- make it an anti join, a nested loop over routed).
      select gm.route_id, gm.group_key, gm.alert_id
        from (select x.route_id, x.group_key, x.alert_id from vigil.group_members x
               where x.status = 'firing' and (v_full or x.alert_id = any(v_changed))) gm
        full join routed r on r.route_id = gm.route_id and r.group_key = gm.group_key and r.alert_id = gm.alert_id
       where r.alert_id is null
    ), gone as (
      update vigil.group_members gm
         set status = 'resolved', ends_at = coalesce(gm.ends_at, p_now)
        from missing x
       where gm.route_id = x.route_id and gm.group_key = x.group_key and gm.alert_id = x.alert_id
      returning gm.alert_id
    )
    select coalesce(pg_catalog.array_agg(distinct t.alert_id), '{}') into v_touched
      from (select u.alert_id from upserted u union all select g.alert_id from gone g) t;
  end if;

  -- 3. Suppression of firing members. What holds alerts back now, once:
  -- checks outside their active hours, then what vigil._suppression_for
  -- would find, in its order (windows, silences, known issues; within a
  -- kind the longest-lasting, then the oldest).
  select coalesce(pg_catalog.array_agg(c.name order by c.name), '{}') into v_quiet
    from vigil.checks c
   where (c.active_hours).weekdays is not null and not vigil._in_recurrence(c.active_hours, p_now);
  select coalesce(pg_catalog.array_agg(a.kind order by a.ord), '{}'), coalesce(pg_catalog.array_agg(a.id order by a.ord), '{}'),
         coalesce(pg_catalog.array_agg(a.matchers order by a.ord), '{}'), coalesce(pg_catalog.array_agg(a.pattern order by a.ord), '{}')
    into v_sup_kind, v_sup_id, v_sup_matchers, v_sup_pattern
    from (select s.kind, s.id, s.matchers, s.pattern,
                 pg_catalog.row_number() over (order by case s.kind when 'maintenance_window' then 1 when 'silence' then 2 else 3 end,
                                                        s.until desc, s.id) as ord
            from vigil._active_suppressions_at(p_now) s) a;
  v_supp := pg_catalog.md5(row(v_quiet, v_sup_kind, v_sup_id, v_sup_matchers, v_sup_pattern)::text);
  v_all_members := v_full or v_supp is distinct from v_last_supp;

  -- Becoming suppressed (or free again) is an event on the alert, and the
  -- window, silence or known issue that holds it back counts it.
  if v_all_members or pg_catalog.cardinality(v_touched) > 0 then
    with now_by as materialized (
      select gm.route_id, gm.group_key, gm.alert_id, gm.suppressed_by as was,
             case when gm.status = 'firing' then
               case when gm.check_name = any(v_quiet) then 'active_hours:' || gm.check_name
                    else (select x.kind || ':' || x.id
                            from rows from (pg_catalog.unnest(v_sup_kind), pg_catalog.unnest(v_sup_id), pg_catalog.unnest(v_sup_matchers),
                                           pg_catalog.unnest(v_sup_pattern)) with ordinality as x(kind, id, matchers, pattern, ord)
                           where case x.kind
                                   when 'known_issue' then
                                     pg_catalog.strpos(pg_catalog.lower(gm.summary || ' ' || coalesce(gm.detail::text, '')),
                                                       pg_catalog.lower(x.pattern)) > 0
                                   else vigil._labels_match(x.matchers, gm.labels)
                                 end
                           order by x.ord
                           limit 1)
               end end as now_by
        from vigil.group_members gm
       where v_all_members or gm.alert_id = any(v_touched)
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
    -- (And the alerts whose members this suppressed or freed, for escalation.)
    select (select pg_catalog.count(*) from ev), (select coalesce(pg_catalog.array_agg(distinct c.alert_id), '{}') from changed c)
      into v_n, v_supp_changed;
  end if;

  -- 4. Forget what no receiver needs to hear: a resolved alert it was never
  -- told about (resolved within group_wait, or while suppressed), and one
  -- whose route does not send resolved notifications. Then empty groups. A
  -- flapping alert stays, so that its next fire is not news again. Only
  -- routing makes such members (or a change of routes: v_full).
  if v_full or pg_catalog.cardinality(v_touched) > 0 then
    with d as (
      delete from vigil.group_members gm
       using vigil.routes r
       where r.id = gm.route_id and gm.status = 'resolved' and not gm.flapping
         and (gm.notified_status is distinct from 'firing' or not r.send_resolved)
      returning gm.route_id, gm.group_key
    )
    select pg_catalog.array_agg(x.route_id), pg_catalog.array_agg(x.group_key) into v_left_route, v_left_key
      from (select distinct d.route_id, d.group_key from d) x;
    if v_full then
      delete from vigil.notification_groups g
       where not exists (select from vigil.group_members gm where gm.route_id = g.route_id and gm.group_key = g.group_key);
    elsif v_left_route is not null then
      delete from vigil.notification_groups g
       using rows from (pg_catalog.unnest(v_left_route), pg_catalog.unnest(v_left_key)) as x(route_id, group_key)
       where g.route_id = x.route_id and g.group_key = x.group_key
         and not exists (select from vigil.group_members gm where gm.route_id = g.route_id and gm.group_key = g.group_key);
    end if;
  end if;

  -- Flush: a group with news once next_flush_at has come, or with firing
  -- alerts repeat_interval after its last notification. News: a firing
  -- alert the receiver was not told is firing, a resolved one it was told
  -- fired, or an alert that started flapping (said once; while it flaps its
  -- comings and goings are not news). The news predicate is that of the
  -- index group_members_news.
  select coalesce(pg_catalog.array_agg(g.route_id), '{}'), coalesce(pg_catalog.array_agg(g.group_key), '{}')
    into v_due_route, v_due_key
    from vigil.notification_groups g
    join vigil.routes r on r.id = g.route_id
   where case when p_now >= g.next_flush_at
                   and exists (select from vigil.group_members gm
                                where gm.route_id = g.route_id and gm.group_key = g.group_key and gm.suppressed_by is null
                                  and ((not gm.flapping and gm.status = 'firing' and gm.notified_status is distinct from 'firing')
                                       or (not gm.flapping and gm.status = 'resolved' and gm.notified_status = 'firing')
                                       or (gm.flapping and not gm.notified_flapping)))
                then true
              -- (A case, so that the members are looked at only when the
              -- repeat is due.)
              when g.last_sent_at is not null and p_now >= g.last_sent_at + r.repeat_interval
                then exists (select from vigil.group_members gm
                              where gm.route_id = g.route_id and gm.group_key = g.group_key and gm.suppressed_by is null
                                and gm.status = 'firing')
              else false end;

  if pg_catalog.cardinality(v_due_route) > 0 then
    with due as materialized (
      select g.route_id, g.group_key, g.group_labels, r.name as route, r.channel, r.group_interval
        from rows from (pg_catalog.unnest(v_due_route), pg_catalog.unnest(v_due_key)) as x(route_id, group_key)
        join vigil.notification_groups g on g.route_id = x.route_id and g.group_key = x.group_key
        join vigil.routes r on r.id = g.route_id
    ), told as materialized (
      -- What each due group's notification carries: every firing alert that
      -- is not suppressed, and the resolved ones its receiver was told fired.
      select d.route_id, d.group_key, d.group_labels, d.route, d.channel, gm.alert_id, gm.fingerprint, gm.status,
             gm.severity, gm.check_name, gm.series, gm.value, gm.labels, gm.summary, gm.detail, gm.flapping,
             gm.starts_at, gm.ends_at, gm.notified_status, gm.notified_flapping
        from due d
       cross join lateral (select gm.* from vigil.group_members gm
                            where gm.route_id = d.route_id and gm.group_key = d.group_key and gm.suppressed_by is null
                              and (gm.status = 'firing' or gm.notified_status = 'firing')
                           offset 0) gm
    ), sent as (
      insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
      select p_now, t.channel, 'alerts',
             'alerts:' || t.route_id || ':' || pg_catalog.left(pg_catalog.md5(t.group_key), 16) || ':'
               || pg_catalog.to_char(p_now at time zone 'UTC', 'YYYYMMDD"T"HH24MISS.US'),
             pg_catalog.jsonb_build_object(
               'version', 1, 'kind', 'alerts', 'route', t.route, 'channel', t.channel,
               'groupKey', t.group_key, 'groupLabels', t.group_labels,
               'status', case when pg_catalog.bool_or(t.status = 'firing') then 'firing' else 'resolved' end,
               'commonLabels', t.group_labels, 'sentAt', p_now,
               'alerts', pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                   'alertId', t.alert_id, 'fingerprint', t.fingerprint, 'status', t.status,
                   'severity', t.severity, 'check', t.check_name, 'series', t.series, 'value', t.value,
                   'labels', t.labels, 'summary', t.summary, 'detail', t.detail, 'flapping', t.flapping,
                   'startsAt', t.starts_at, 'endsAt', t.ends_at, 'runbook', c.runbook_url)
                 order by t.status, case t.severity when 'critical' then 1 when 'warning' then 2 else 3 end,
                          t.starts_at, t.alert_id)),
             p_now
        from told t
        left join vigil.checks c on c.name = t.check_name
       group by t.route_id, t.group_key, t.group_labels, t.route, t.channel
      on conflict (idempotency_key) do nothing
      returning channel
    ), groups_done as (
      update vigil.notification_groups g
         set last_sent_at = p_now, next_flush_at = p_now + d.group_interval, flushes = g.flushes + 1
        from due d
       where g.route_id = d.route_id and g.group_key = d.group_key
    ), members_done as (
      update vigil.group_members gm
         set notified_status = gm.status, notified_flapping = gm.flapping
        from told t
       where gm.route_id = t.route_id and gm.group_key = t.group_key and gm.alert_id = t.alert_id
         and (t.notified_status is distinct from t.status or t.notified_flapping is distinct from t.flapping)
    )
    select pg_catalog.count(*) into v_n from sent;
    v_rows := v_rows + v_n;

    -- The resolved alerts just told (unless flapping), and the groups left
    -- empty, go.
    with d as (
      delete from vigil.group_members gm
       where gm.status = 'resolved' and gm.notified_status = 'resolved' and not gm.flapping
      returning gm.route_id, gm.group_key
    )
    select pg_catalog.array_agg(x.route_id), pg_catalog.array_agg(x.group_key) into v_left_route, v_left_key
      from (select distinct d.route_id, d.group_key from d) x;
    if v_left_route is not null then
      delete from vigil.notification_groups g
       using rows from (pg_catalog.unnest(v_left_route), pg_catalog.unnest(v_left_key)) as x(route_id, group_key)
       where g.route_id = x.route_id and g.group_key = x.group_key
         and not exists (select from vigil.group_members gm where gm.route_id = g.route_id and gm.group_key = g.group_key);
    end if;
  end if;

  -- 5. Escalation (nothing to do without a policy on a route or an
  -- escalation under way). It is told the alerts whose members steps 1-3
  -- changed (every alert when v_full) and finds the rest of what changed
  -- itself (sql/functions/_escalate.sql): a statement added above that can
  -- make a member firing and unsuppressed, or stop it being so, must add its
  -- alerts to v_touched or v_supp_changed.
  if exists (select from vigil.routes r where r.escalation_policy is not null) or exists (select from vigil.escalations) then
    v_rows := v_rows + vigil._escalate(p_now, case when not v_full then v_touched || v_supp_changed end);
  end if;

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

  -- Where the next step starts.
  insert into vigil.notify_cursor (id, last_now, snapshot_xmin, xact_id, config_hash, suppression_hash)
  values (true, p_now, v_snapshot, pg_catalog.pg_current_xact_id(), v_config, v_supp)
  on conflict (id) do update
     set last_now = excluded.last_now, snapshot_xmin = excluded.snapshot_xmin, xact_id = excluded.xact_id,
         config_hash = excluded.config_hash, suppression_hash = excluded.suppression_hash;
  return v_rows;
end
$$;

comment on function vigil._notify(timestamptz) is
  'Internal: the notification step of vigil.tick(p_now): routing, grouping (Alertmanager timing), suppression, escalation and heartbeats, written to vigil.outbox in the tick''s transaction; returns the number of outbox rows written. Works on the alerts that changed since the last step (vigil.notify_cursor). Rules: docs/notifications.md.';
