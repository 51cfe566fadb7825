-- Up Migration
-- 0005 alert_state holds one row per alerting series, and an evaluation
-- that changes anything in it (state, value, flap history) rewrites it.
-- Leave half of each page free so that those updates are HOT: no new index
-- entries, and the old versions are pruned in place without waiting for
-- VACUUM. A row also keeps the labels its check returned for the series (so
-- that an evaluation can tell that nothing changed without composing them)
-- and the check's detail for the series (what the check saw), for the
-- notification payload and for known-issue matching.

alter table vigil.alert_state set (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.05);
alter table vigil.alert_state
  add column series_labels jsonb not null default '{}'::jsonb,
  add column detail jsonb;

comment on column vigil.alert_state.series_labels is 'The labels the check function returned for this series; labels = the check''s labels || series_labels || {check, series}.';
comment on column vigil.alert_state.last_eval_at is 'The last evaluation that changed this row. A firing alert whose value, severity, labels, detail and (full) flap history stay the same is not rewritten; the check''s last run is vigil.checks.last_run_at.';
comment on column vigil.alert_state.detail is 'The detail the check returned for this series at its last evaluation with data (what it saw: e.g. the query, the blocking pids).';

-- The state step takes the run's details too: drop the old signature so that
-- the repeatable layer creates the new one.
drop function if exists vigil._evaluate_alerts(vigil.checks, timestamptz, text[], double precision[], jsonb[]);
