-- vigil._evaluate_alerts(p_check, p_now, p_series, p_values, p_labels, p_details):
-- turns one run's results into alert state and events, in one set-based
-- statement (no per-row loop): condition with hysteresis, pending/for,
-- keep_firing_for, severity changes, no-data policy, Nagios flap detection,
-- ack expiry. The contract is docs/alert-state.md.
--
-- p_series/p_values/p_labels/p_details hold the series that matter this run:
-- those already in vigil.alert_state and those past an enter threshold
-- (run_check leaves healthy series with no state out). A series in state
-- that is not in p_series is missing (no data).
--
-- Why it is shaped this way (bench/alerts.ts measures it on 100,000 series):
-- - Every derived column is computed once. PostgreSQL inlines a CTE that is
--   referenced once and then copies its expressions into every place that
--   uses them, so the chain is cut by a few MATERIALIZED steps, and each
--   step carries only the columns the next ones need.
-- - The check's settings come from a one-row CTE (k), not from plpgsql
--   parameters, which cost a callback per row and reference.
-- - "beyond a threshold" is always >=: values and thresholds are multiplied
--   by the direction's sign (-1 for below).
-- - A row with nothing to change is not written at all: a firing alert at
--   the same severity and value, with a full flap history (the steady state).
--   The current value of every alerting series is in vigil.samples anyway.
-- - Existing rows are UPDATEd in place (HOT: no indexed column changes, and
--   the table keeps free space, see migration 0005); new rows are INSERTed.
-- - Labels are composed only for a new row or when the series' own labels
--   change; update_check rewrites them when the check's labels change.
-- - The flap percent is the Nagios weighted sum; the common histories (all
--   1 or all 0, left-padded with 0) take a closed form, and only a mixed
--   history sums its transitions.
create or replace function vigil._evaluate_alerts(
  p_check   vigil.checks,
  p_now     timestamptz,
  p_series  text[],
  p_values  double precision[],
  p_labels  jsonb[],
  p_details jsonb[]
)
returns integer
language plpgsql
set search_path = ''
-- JIT would spend longer compiling this statement than running it.
set jit = off
-- One plan for every run: the statement is large, and PostgreSQL would
-- otherwise plan it anew on every call (custom plans: about 3 ms a run,
-- against 0.5 ms). But a plan carries the size alert_state had when it was
-- made: one made while the table was (nearly) empty drives the update and
-- delete from a scan of the whole table, quadratic once a storm has filled
-- it (10 checks of 1,000 new alerts: 28 s). So when the table has grown
-- past twice the size its statistics know, it is analyzed here (below),
-- which also makes every cached plan on it be planned again.
set plan_cache_mode = force_generic_plan
as $$
declare
  v_has_overrides boolean := exists (select from vigil.threshold_overrides o where o.check_name = p_check.name);
  v_id_seq        regclass := pg_catalog.pg_get_serial_sequence('vigil.alert_state', 'id')::regclass;
  v_events        integer;
  v_pages         bigint := pg_catalog.pg_relation_size('vigil.alert_state'::regclass)
                            / pg_catalog.current_setting('block_size')::bigint;
begin
  -- Statistics that lag a storm (see plan_cache_mode above): ANALYZE
  -- records the table's size, and its invalidation makes the cached plan
  -- below be made again for it. At most a few times while a storm fills
  -- the table (at 16, 48, 112, ... pages), never in the steady state. A
  -- role that does not own the table gets a WARNING from ANALYZE, not an
  -- error.
  if v_pages > 2 * (select c.relpages from pg_catalog.pg_class c where c.oid = 'vigil.alert_state'::regclass) + 16 then
    analyze vigil.alert_state;
  end if;

  -- One evaluation of a check at a time: a second run_check of the same
  -- check (a manual run beside the tick) waits here rather than racing.
  perform pg_catalog.pg_advisory_xact_lock(1986618417, pg_catalog.hashtext(p_check.name));

  with k as materialized (
    select p_check.name as k_name,
           (case when p_check.direction = 'above' then 1 else -1 end)::double precision as k_sign,
           p_check.warning as k_warning, p_check.critical as k_critical,
           p_check.warning_exit as k_warning_exit, p_check.critical_exit as k_critical_exit,
           p_check.for_duration as k_for, p_check.keep_firing_for as k_kff,
           p_check.no_data as k_no_data, p_check.no_data_after as k_no_data_after,
           p_check.flap_window as k_window, p_check.flap_start as k_flap_start, p_check.flap_stop as k_flap_stop,
           p_check.max_severity as k_max_severity, p_check.labels as k_labels, p_now as k_now,
           pg_catalog.repeat('1', p_check.flap_window) as k_full
  ), j as materialized (
    -- Each result joined with its state row; a state row with no result is
    -- missing. The longest matching override, looked up only when the check
    -- has any.
    select coalesce(r.series, c.series) as series, r.series is not null as present,
           r.value as v, r.labels as new_labels, r.detail as new_detail,
           c.id, c.state, c.level, c.severity as old_severity, c.active_at, c.keep_firing_since,
           coalesce(c.missing_count, 0) as missing_count, coalesce(c.flapping, false) as flapping,
           coalesce(c.flap_history, '') as flap_history, c.acked_at, c.acked_by, c.ack_expires_at,
           c.value as old_value, c.labels as old_labels, c.series_labels as old_series_labels, c.detail as old_detail,
           case when v_has_overrides then
             (select ov from vigil.threshold_overrides ov
               where ov.check_name = p_check.name and coalesce(r.series, c.series) like ov.series_pattern
               order by pg_catalog.length(ov.series_pattern) desc, ov.series_pattern limit 1) end as o
      from rows from (pg_catalog.unnest(p_series), pg_catalog.unnest(p_values),
                      pg_catalog.unnest(p_labels), pg_catalog.unnest(p_details)) as r(series, value, labels, detail)
      full join (select s.id, s.series, s.state, s.level, s.severity, s.active_at, s.keep_firing_since, s.missing_count,
                        s.flapping, s.flap_history, s.acked_at, s.acked_by, s.ack_expires_at, s.value, s.labels,
                        s.series_labels, s.detail
                   from vigil.alert_state s where s.check_name = p_check.name) c on c.series = r.series
  ), t as (
    -- Effective settings: the override, else the check. Thresholds signed.
    select j.*,
           j.v * k_sign as sv,
           coalesce((j.o).warning, k_warning) * k_sign as w,
           coalesce((j.o).critical, k_critical) * k_sign as cr,
           (case when (j.o).warning is not null then coalesce((j.o).warning_exit, (j.o).warning)
                 else coalesce((j.o).warning_exit, k_warning_exit, k_warning) end) * k_sign as we,
           (case when (j.o).critical is not null then coalesce((j.o).critical_exit, (j.o).critical)
                 else coalesce((j.o).critical_exit, k_critical_exit, k_critical) end) * k_sign as ce,
           coalesce((j.o).for_duration, k_for) as for_d,
           coalesce((j.o).keep_firing_for, k_kff) as kff,
           case when j.present then 0 else j.missing_count + 1 end as miss,
           case when j.state in ('pending', 'firing') then j.level end as prev_level,
           -- eval: there is a value; hold: missing, and the policy keeps the
           -- state (keep, or not yet no_data_after runs); nodata: the policy applies.
           case when j.present then 'eval'
                when k_no_data = 'keep' or j.missing_count + 1 < k_no_data_after then 'hold'
                else 'nodata' end as mode
      from j cross join k
  ), c as (
    -- The condition, with hysteresis: the exit thresholds hold an active alert.
    select t.*,
           case t.mode
             when 'eval' then
               case t.prev_level
                 when 'critical' then case when t.sv >= t.ce then 'critical' when t.sv >= t.we then 'warning' end
                 when 'warning'  then case when t.sv >= t.cr then 'critical' when t.sv >= t.we then 'warning' end
                 else case when t.sv >= t.cr then 'critical' when t.sv >= t.w then 'warning' end
               end
             when 'nodata' then
               case when k_no_data = 'alert' then case when t.cr is not null then 'critical' else 'warning' end end
             else t.prev_level
           end as cond
      from t cross join k
  ), s as materialized (
    -- The state machine.
    select c.series, c.present, c.v, c.new_labels, c.new_detail, c.id, c.state, c.level, c.old_severity,
           c.keep_firing_since, c.flapping, c.flap_history, c.acked_at, c.acked_by, c.ack_expires_at,
           c.old_value, c.old_labels, c.old_series_labels, c.miss, c.mode, c.cond,
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
           end as new_state,
           -- Nothing to write: a firing alert that stays at its severity,
           -- with the same value, labels and detail, a full history of 1s
           -- and no ack to expire. The steady state of a firing alert costs
           -- no write (no dead tuple, no WAL).
           c.present and c.state = 'firing' and c.cond = c.level and c.missing_count = 0
             and c.keep_firing_since is null and not c.flapping
             and c.old_severity = case k_max_severity when 'critical' then c.cond else k_max_severity end
             and c.flap_history = k_full
             and (c.acked_at is null or c.ack_expires_at is null or c.ack_expires_at > k_now)
             and c.v = c.old_value and c.new_labels is not distinct from c.old_series_labels
             and c.new_detail is not distinct from c.old_detail as unchanged
      from c cross join k
  ), n as (
    select s.*,
           case when s.mode <> 'hold' and s.new_state in ('pending', 'firing') then coalesce(s.cond, s.level)
                else s.level end as new_level,
           s.new_state in ('pending', 'firing') and coalesce(s.state, 'none') not in ('pending', 'firing') as activated,
           -- What this evaluation appends to the flap history: 1 (active),
           -- 0, or nothing (held while missing, or no alert at all).
           case when s.mode = 'hold' or s.new_state in ('none', 'drop') then ''
                when s.new_state in ('pending', 'firing') then '1' else '0' end as bit
      from s cross join k
     where s.unchanged is not true
  ), nh as (
    select n.*, pg_catalog.right(n.flap_history || n.bit, k_window) as new_history
      from n cross join k
  ), p as materialized (
    -- Nagios percent state change over the whole window of n entries,
    -- entries older than the history counting as 0: the i-th of the n-1
    -- transitions (oldest first) weighs 0.8 + 0.4 (i-1)/(n-2), and the
    -- percent is 100 * (sum of the weights of the changes) / (n-1).
    -- All 0: no change. All 1 over h < n entries: one change, i = n - h.
    -- Mixed: the weighted sum over the padded history. The first two are
    -- told from the old history and the appended entry, without building
    -- the new one.
    select n.*,
           case when pg_catalog.strpos(n.flap_history, '0') = 0 and n.bit <> '0' then
                  case when pg_catalog.length(n.flap_history) + pg_catalog.length(n.bit) = 0
                         or pg_catalog.length(n.flap_history) + pg_catalog.length(n.bit) >= k_window then 0::double precision
                       else (0.8::double precision
                             + 0.4 * (k_window - pg_catalog.length(n.flap_history) - pg_catalog.length(n.bit) - 1) / (k_window - 2))
                            * 100 / (k_window - 1) end
                when pg_catalog.strpos(n.flap_history, '1') = 0 and n.bit <> '1' then 0::double precision
                -- (coalesce: a mixed old history can leave a new one with no
                -- change at all, once its last 0 has slid out: 011 + 1 = 111.)
                else (select coalesce(pg_catalog.sum(0.8::double precision + 0.4 * (g.i - 1) / (k_window - 2)), 0) * 100 / (k_window - 1)
                        from (select pg_catalog.lpad(n.new_history, k_window, '0') as h offset 0) hh
                       cross join pg_catalog.generate_series(1, k_window - 1) as g(i)
                       where pg_catalog.substr(hh.h, g.i, 1) <> pg_catalog.substr(hh.h, g.i + 1, 1))
           end as pct,
           -- Labels are composed only when the series' own labels change
           -- (update_check keeps the check's part current).
           case when n.present and (n.id is null or n.new_labels is distinct from n.old_series_labels)
                then k_labels || coalesce(n.new_labels, '{}'::jsonb)
                     || pg_catalog.jsonb_build_object('check', k_name, 'series', n.series)
                else n.old_labels end as labels,
           case when n.new_level is null then null
                when k_max_severity = 'info' then 'info'
                when k_max_severity = 'warning' then 'warning'
                else n.new_level end as new_severity,
           n.new_state = 'firing' and not n.activated and n.acked_at is not null and n.ack_expires_at <= k_now as ack_expired
      from nh n cross join k
  ), d as materialized (
    select p.*,
           -- The row's id: a new row takes its id here, so that its events
           -- need no join.
           coalesce(p.id, case when p.new_state in ('pending', 'firing') then pg_catalog.nextval(v_id_seq) end) as aid,
           case when not p.flapping and p.pct >= k_flap_start then true
                when p.flapping and p.pct < k_flap_stop then false
                else p.flapping end as new_flapping,
           case when p.present then p.v else p.old_value end as value,
           coalesce(p.new_severity, p.old_severity, 'warning') as event_severity,
           p.activated or p.ack_expired or p.new_state = 'resolved' as clear_ack,
           case when p.new_state = 'firing' and p.state is distinct from 'firing' then 'firing'
                when p.new_state = 'pending' and p.activated then 'pending'
                when p.new_state = 'firing' and p.state = 'firing' and p.new_severity is distinct from p.old_severity then 'severity_changed'
                when p.new_state = 'resolved' and p.state = 'firing' then 'resolved' end as state_event,
           -- A pending row whose condition went away is dropped; a resolved
           -- row goes once its flap history holds no 1 and it is not flapping.
           case when p.new_state = 'none' then 'skip'
                when p.new_state = 'drop' then 'delete'
                when p.new_state = 'resolved' and p.state = 'resolved' and pg_catalog.strpos(p.new_history, '1') = 0
                     and not (case when not p.flapping and p.pct >= k_flap_start then true
                                   when p.flapping and p.pct < k_flap_stop then false
                                   else p.flapping end) then 'delete'
                when p.id is null then 'insert'
                else 'update' end as action
      from p cross join k
  ), upd as (
    update vigil.alert_state a
       set state = d.new_state, level = d.new_level, severity = coalesce(d.new_severity, 'warning'), value = d.value,
           labels = d.labels, series_labels = case when d.present then coalesce(d.new_labels, '{}') else a.series_labels end,
           detail = case when d.present then d.new_detail else a.detail end,
           active_at = case when d.activated then k_now else a.active_at end,
           fired_at = case when d.new_state = 'firing' and d.state is distinct from 'firing' then k_now
                           when d.new_state = 'pending' then null else a.fired_at end,
           resolved_at = case when d.new_state = 'resolved' and d.state = 'firing' then k_now
                              when d.activated then null else a.resolved_at end,
           last_eval_at = k_now,
           keep_firing_since = case when d.mode = 'hold' then a.keep_firing_since
                                    when d.new_state = 'firing' and d.cond is null then coalesce(a.keep_firing_since, k_now) end,
           missing_count = d.miss, flapping = d.new_flapping, flap_history = d.new_history, flap_percent = d.pct,
           acked_at = case when d.clear_ack then null else a.acked_at end,
           acked_by = case when d.clear_ack then null else a.acked_by end,
           ack_comment = case when d.clear_ack then null else a.ack_comment end,
           ack_expires_at = case when d.clear_ack then null else a.ack_expires_at end
      from d cross join k
     where d.action = 'update' and a.id = d.aid
  ), ins as (
    insert into vigil.alert_state (id, check_name, series, labels, series_labels, detail, state, level, severity, value, active_at,
                                   fired_at, last_eval_at, missing_count, flapping, flap_history, flap_percent, fingerprint)
    overriding system value
    select d.aid, k_name, d.series, d.labels, coalesce(d.new_labels, '{}'), d.new_detail, d.new_state, d.new_level, coalesce(d.new_severity, 'warning'),
           d.value, k_now, case when d.new_state = 'firing' then k_now end, k_now, d.miss, d.new_flapping,
           d.new_history, d.pct, pg_catalog.left(pg_catalog.md5(k_name || E'\x1f' || d.series), 16)
      from d cross join k
     where d.action = 'insert'
  ), del as (
    delete from vigil.alert_state a using d
     where d.action = 'delete' and a.id = d.aid
  ), e as (
    -- The events, in the order of docs/alert-state.md: no_data, the state
    -- event, flapping, ack_expired. A row the run skips has none.
    select d.series, 1 as ord, 'no_data' as event, d.aid, d.event_severity, d.value, d.labels,
           pg_catalog.jsonb_build_object('missing_evaluations', d.miss, 'policy', k_no_data) as detail
      from d cross join k where d.mode = 'nodata' and d.miss = k_no_data_after and d.action <> 'skip'
    union all
    select d.series, 2, d.state_event, d.aid, d.event_severity, d.value, d.labels,
           case when d.state_event = 'severity_changed'
                then pg_catalog.jsonb_build_object('from', d.old_severity, 'to', d.new_severity) end
      from d where d.state_event is not null and d.action <> 'skip'
    union all
    select d.series, 3, case when d.new_flapping then 'flapping_started' else 'flapping_stopped' end, d.aid,
           d.event_severity, d.value, d.labels, pg_catalog.jsonb_build_object('percent', d.pct)
      from d where d.new_flapping <> d.flapping and d.action <> 'skip'
    union all
    select d.series, 4, 'ack_expired', d.aid, d.event_severity, d.value, d.labels,
           pg_catalog.jsonb_build_object('acked_by', d.acked_by, 'acked_at', d.acked_at)
      from d where d.ack_expired and d.action <> 'skip'
  ), ev as (
    insert into vigil.alert_events (at, alert_id, check_name, series, event, severity, value, labels, detail)
    select k_now, e.aid, k_name, e.series, e.event, e.event_severity, e.value, e.labels, e.detail
      from e cross join k
     order by e.series, e.ord
    returning 1
  )
  select pg_catalog.count(*) into v_events from ev;
  return v_events;
end
$$;

comment on function vigil._evaluate_alerts(vigil.checks, timestamptz, text[], double precision[], jsonb[], jsonb[]) is
  'Internal: one set-based evaluation of a check run''s results into vigil.alert_state and vigil.alert_events (hysteresis, for, keep_firing_for, severity, no-data, flapping, ack expiry; see docs/alert-state.md); returns the number of events written.';
