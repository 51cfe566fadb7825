-- vigil._evaluate_alerts(p_check, p_now, p_series, p_values, p_labels):
-- turns one run's results into alert state and events, in one set-based
-- statement (no per-row loop): condition with hysteresis, pending/for,
-- keep_firing_for, severity changes, no-data policy, Nagios flap detection,
-- ack expiry. The contract is docs/alert-state.md.
--
-- p_series/p_values/p_labels hold the series that matter this run: those
-- already in vigil.alert_state and those past an enter threshold (run_check
-- leaves healthy series with no state out). A series in state that is not in
-- p_series is missing (no data).
create or replace function vigil._evaluate_alerts(
  p_check  vigil.checks,
  p_now    timestamptz,
  p_series text[],
  p_values double precision[],
  p_labels jsonb[]
)
returns integer
language plpgsql
set search_path = ''
-- JIT would spend longer compiling this statement than running it.
set jit = off
as $$
declare
  v_has_overrides boolean := exists (select from vigil.threshold_overrides o where o.check_name = p_check.name);
  v_events        integer;
begin
  with k as materialized (
    -- The check's settings and the tick time, fetched once: a plpgsql
    -- parameter referenced per row costs a callback each time.
    select p_check.name as k_name, p_check.direction as k_direction, p_check.warning as k_warning,
           p_check.critical as k_critical, p_check.warning_exit as k_warning_exit,
           p_check.critical_exit as k_critical_exit, p_check.for_duration as k_for_duration,
           p_check.keep_firing_for as k_keep_firing_for, p_check.no_data as k_no_data,
           p_check.no_data_after as k_no_data_after, p_check.flap_window as k_flap_window,
           p_check.flap_start as k_flap_start, p_check.flap_stop as k_flap_stop,
           p_check.max_severity as k_max_severity, p_check.labels as k_labels, p_now as k_now
  ), res as (
    select u.series, u.value, u.labels
      from rows from (pg_catalog.unnest(p_series), pg_catalog.unnest(p_values), pg_catalog.unnest(p_labels)) as u(series, value, labels)
  ), j as materialized (
    select coalesce(r.series, c.series) as series, r.series is not null as present, r.value as v, r.labels as new_labels,
           coalesce(c.id, pg_catalog.nextval(pg_catalog.pg_get_serial_sequence('vigil.alert_state', 'id'))) as id,
           c.id is null as is_new, c.state, c.level, c.severity as old_severity, c.active_at, c.fired_at, c.resolved_at, c.keep_firing_since,
           coalesce(c.missing_count, 0) as missing_count, coalesce(c.flapping, false) as flapping,
           coalesce(c.flap_history, '') as flap_history, c.acked_at, c.acked_by, c.ack_comment, c.ack_expires_at,
           c.value as old_value, c.labels as old_labels, k.*,
           -- The longest matching override, looked up only when the check has any.
           case when v_has_overrides then
             (select ov from vigil.threshold_overrides ov
               where ov.check_name = p_check.name and coalesce(r.series, c.series) like ov.series_pattern
               order by pg_catalog.length(ov.series_pattern) desc limit 1) end as o
      from res r
      full join (select s.* from vigil.alert_state s where s.check_name = p_check.name) c on c.series = r.series
      cross join k
  ), t as (
    -- Effective settings: the override, else the check.
    select j.*,
           coalesce((j.o).warning, k_warning) as w,
           coalesce((j.o).critical, k_critical) as cr,
           case when (j.o).warning is not null then coalesce((j.o).warning_exit, (j.o).warning)
                else coalesce((j.o).warning_exit, k_warning_exit, k_warning) end as we,
           case when (j.o).critical is not null then coalesce((j.o).critical_exit, (j.o).critical)
                else coalesce((j.o).critical_exit, k_critical_exit, k_critical) end as ce,
           coalesce((j.o).for_duration, k_for_duration) as for_d,
           coalesce((j.o).keep_firing_for, k_keep_firing_for) as kff,
           case when j.present then 0 else j.missing_count + 1 end as miss,
           case when j.state in ('pending', 'firing') then j.level end as prev_level
      from j
  ), b as (
    -- beyond(v, threshold) for each threshold; mode: eval, hold (missing, policy not yet due or keep), nodata.
    select t.*,
           coalesce(case when k_direction = 'above' then t.v >= t.w  else t.v <= t.w  end, false) as b_w,
           coalesce(case when k_direction = 'above' then t.v >= t.we else t.v <= t.we end, false) as b_we,
           coalesce(case when k_direction = 'above' then t.v >= t.cr else t.v <= t.cr end, false) as b_cr,
           coalesce(case when k_direction = 'above' then t.v >= t.ce else t.v <= t.ce end, false) as b_ce,
           case when t.present then 'eval'
                when k_no_data = 'keep' or t.miss < k_no_data_after then 'hold'
                else 'nodata' end as mode
      from t
  ), c as materialized (
    -- The condition, with hysteresis: the exit thresholds hold an active alert.
    select b.*,
           case b.mode
             when 'eval' then
               case b.prev_level
                 when 'critical' then case when b.b_ce then 'critical' when b.b_we then 'warning' end
                 when 'warning'  then case when b.b_cr then 'critical' when b.b_we then 'warning' end
                 else case when b.b_cr then 'critical' when b.b_w then 'warning' end
               end
             when 'nodata' then
               case when k_no_data = 'alert' then case when b.cr is not null then 'critical' else 'warning' end end
             else b.prev_level
           end as cond
      from b
  ), s as materialized (
    -- The state machine.
    select c.*,
           case
             when c.mode = 'hold' then coalesce(c.state, 'none')
             when c.cond is not null then
               case when c.state = 'firing' then 'firing'
                    when c.state = 'pending' and k_now - c.active_at >= c.for_d then 'firing'
                    when c.state = 'pending' then 'pending'
                    when c.for_d <= interval '0' then 'firing'
                    else 'pending' end
             when c.state = 'firing' then
               case when c.kff <= interval '0' or k_now - coalesce(c.keep_firing_since, k_now) >= c.kff
                    then 'resolved' else 'firing' end
             when c.state = 'pending' then 'drop'
             when c.state = 'resolved' then 'resolved'
             else 'none'
           end as new_state
      from c
  ), n as (
    select s.*,
           case when s.mode = 'hold' then s.level
                when s.new_state in ('pending', 'firing') then coalesce(s.cond, s.level)
                else s.level end as new_level,
           s.new_state in ('pending', 'firing') and coalesce(s.state, 'none') not in ('pending', 'firing') as activated,
           case when s.mode = 'hold' or s.new_state in ('none', 'drop') then s.flap_history
                else pg_catalog.right(s.flap_history || case when s.new_state in ('pending', 'firing') then '1' else '0' end,
                                      k_flap_window) end as new_history
      from s
  ), h as (
    -- The history over the whole window: entries older than it count as OK
    -- (0), as the series was before it ever alerted. changes = how many times
    -- consecutive entries differ (each '01' and '10' pair), by string length.
    select n.*, hh.h,
           (pg_catalog.length(hh.h) - pg_catalog.length(pg_catalog.replace(hh.h, '01', ''))) / 2
           + (pg_catalog.length(hh.h) - pg_catalog.length(pg_catalog.replace(hh.h, '10', ''))) / 2 as changes
      from n
      cross join lateral (select pg_catalog.lpad(n.new_history, k_flap_window, '0') as h) hh
  ), f as materialized (
    -- Nagios percent state change: the i-th of the n-1 transitions (oldest
    -- first) weighs 0.8 + 0.4 (i-1)/(n-2). No change: 0; one change: its
    -- weight, found by position; more: the weighted sum (rare: flapping).
    select h.*,
           case when h.changes = 0 then 0::double precision
                when h.changes = 1 then
                  ((0.8 + 0.4 * (pg_catalog.strpos(h.h, case when pg_catalog.left(h.h, 1) = '0' then '01' else '10' end) - 1)
                          / (k_flap_window - 2)) * 100 / (k_flap_window - 1))::double precision
                else (select (pg_catalog.sum(case when pg_catalog.substr(h.h, g.i, 1) <> pg_catalog.substr(h.h, g.i + 1, 1)
                                                  then 0.8 + 0.4 * (g.i - 1) / (k_flap_window - 2) else 0 end)
                              * 100 / (k_flap_window - 1))::double precision
                        from pg_catalog.generate_series(1, k_flap_window - 1) as g(i))
           end as new_pct
      from h
  ), calc as (
    select f.*,
           case when not f.flapping and f.new_pct >= k_flap_start then true
                when f.flapping and f.new_pct < k_flap_stop then false
                else f.flapping end as new_flapping,
           f.new_state = 'firing' and not f.activated and f.acked_at is not null and f.ack_expires_at <= k_now as ack_expired,
           case when f.new_level is null then null
                when k_max_severity = 'info' then 'info'
                when k_max_severity = 'warning' then 'warning'
                else f.new_level end as new_severity,
           case when f.present then k_labels || coalesce(f.new_labels, '{}'::jsonb)
                                    || pg_catalog.jsonb_build_object('check', k_name, 'series', f.series)
                else f.old_labels end as labels,
           case when f.present then f.v else f.old_value end as value
      from f
  ), disposition as (
    select calc.*,
           case when calc.new_state in ('none') then 'skip'
                when calc.new_state = 'drop' then 'delete'
                when calc.new_state = 'resolved' and calc.state = 'resolved'
                     and pg_catalog.strpos(calc.new_history, '1') = 0 and not calc.new_flapping then 'delete'
                else 'upsert' end as action
      from calc
  ), up as (
    insert into vigil.alert_state as a (id, check_name, series, labels, state, level, severity, value, active_at, fired_at,
                                        resolved_at, last_eval_at, keep_firing_since, missing_count, flapping,
                                        flap_history, flap_percent, acked_at, acked_by, ack_comment, ack_expires_at, fingerprint)
    overriding system value
    select d.id, k_name, d.series, d.labels, d.new_state, d.new_level,
           coalesce(d.new_severity, 'warning'), d.value,
           case when d.activated then k_now else d.active_at end,
           case when d.new_state = 'firing' and d.state is distinct from 'firing' then k_now
                when d.new_state = 'pending' then null else d.fired_at end,
           case when d.new_state = 'resolved' and d.state = 'firing' then k_now
                when d.activated then null else d.resolved_at end,
           k_now,
           case when d.new_state = 'firing' and d.cond is null and d.mode <> 'hold' then coalesce(d.keep_firing_since, k_now)
                when d.mode = 'hold' then d.keep_firing_since
                else null end,
           d.miss, d.new_flapping, d.new_history, d.new_pct,
           case when d.activated or d.ack_expired or d.new_state = 'resolved' then null else d.acked_at end,
           case when d.activated or d.ack_expired or d.new_state = 'resolved' then null else d.acked_by end,
           case when d.activated or d.ack_expired or d.new_state = 'resolved' then null else d.ack_comment end,
           case when d.activated or d.ack_expired or d.new_state = 'resolved' then null else d.ack_expires_at end,
           pg_catalog.left(pg_catalog.md5(k_name || E'\x1f' || d.series), 16)
      from disposition d
     where d.action = 'upsert'
    on conflict (check_name, series) do update
       set labels = excluded.labels, state = excluded.state, level = excluded.level, severity = excluded.severity,
           value = excluded.value, active_at = excluded.active_at, fired_at = excluded.fired_at,
           resolved_at = excluded.resolved_at, last_eval_at = excluded.last_eval_at,
           keep_firing_since = excluded.keep_firing_since, missing_count = excluded.missing_count,
           flapping = excluded.flapping, flap_history = excluded.flap_history, flap_percent = excluded.flap_percent,
           acked_at = excluded.acked_at, acked_by = excluded.acked_by, ack_comment = excluded.ack_comment,
           ack_expires_at = excluded.ack_expires_at
  ), del as (
    delete from vigil.alert_state a using disposition d
     where d.action = 'delete' and a.id = d.id
  ), ev as (
    insert into vigil.alert_events (at, alert_id, check_name, series, event, severity, value, labels, detail)
    select k_now, d.id, k_name, d.series, e.event, coalesce(d.new_severity, d.old_severity, 'warning'), d.value, d.labels,
           case e.event when 'severity_changed' then pg_catalog.jsonb_build_object('from', d.old_severity, 'to', d.new_severity)
                        when 'no_data' then pg_catalog.jsonb_build_object('missing_evaluations', d.miss, 'policy', k_no_data)
                        when 'flapping_started' then pg_catalog.jsonb_build_object('percent', d.new_pct)
                        when 'flapping_stopped' then pg_catalog.jsonb_build_object('percent', d.new_pct)
                        when 'ack_expired' then pg_catalog.jsonb_build_object('acked_by', d.acked_by, 'acked_at', d.acked_at) end
      from disposition d
     cross join lateral pg_catalog.unnest(array[
       case when d.mode = 'nodata' and d.miss = k_no_data_after then 'no_data' end,
       case when d.new_state = 'firing' and d.state is distinct from 'firing' then 'firing'
            when d.new_state = 'pending' and d.activated then 'pending'
            when d.new_state = 'firing' and d.state = 'firing' and d.new_severity is distinct from d.old_severity then 'severity_changed'
            when d.new_state = 'resolved' and d.state = 'firing' then 'resolved' end,
       case when d.new_flapping and not d.flapping then 'flapping_started'
            when d.flapping and not d.new_flapping then 'flapping_stopped' end,
       case when d.ack_expired then 'ack_expired' end
     ]) with ordinality as e(event, ord)
     where e.event is not null and d.action <> 'skip'
     order by d.series, e.ord
    returning 1
  )
  select pg_catalog.count(*) into v_events from ev;
  return v_events;
end
$$;

comment on function vigil._evaluate_alerts(vigil.checks, timestamptz, text[], double precision[], jsonb[]) is
  'Internal: one set-based evaluation of a check run''s results into vigil.alert_state and vigil.alert_events (hysteresis, for, keep_firing_for, severity, no-data, flapping, ack expiry; see docs/alert-state.md); returns the number of events written.';
