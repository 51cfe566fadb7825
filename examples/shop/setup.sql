-- examples/shop/setup.sql: the runbook's alert checks, registered with
-- pgvigil's templates. Run it as a member of vigil_admin (or the role that
-- installed pgvigil), after schema.sql:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f examples/shop/setup.sql
-- Safe to re-run: it removes the shop_* checks it registers, then adds them.
-- Thresholds are on the checks, not in the params (see README.md).

begin;

select vigil.remove_check(c.name)
  from vigil.checks c
 where c.name in ('shop_orders_flowing', 'shop_error_rate', 'shop_provider_p95',
                  'shop_manual_queue_urgent_age', 'shop_manual_queue_depth', 'shop_daily_cost');

-- Payment processing stopped: no order for 10 minutes during business hours
-- (06:00-23:00 New York). Runbook: CRITICAL at 10 minutes. Here 10 minutes
-- warns and 20 pages, so one slow quarter of an hour does not wake anyone.
select vigil.add_check(
  p_name        => 'shop_orders_flowing',
  p_function    => 'vigil.check_freshness',
  p_params      => '{"table": "shop.orders", "column": "created_at",
                     "active_hours": {"start": "06:00", "end": "23:00", "timezone": "America/New_York"}}',
  p_every       => '1 minute',
  p_service     => 'shop',
  p_labels      => '{"area": "payments"}',
  p_warning     => 10,
  p_critical    => 20,
  p_description => 'Minutes since the last order, 06:00-23:00 New York (payment flow stopped).');

-- Error rate over the application log: warning at 5%, high at 10%, over the
-- last 5 minutes; with fewer than 20 log lines there is nothing to judge.
select vigil.add_check(
  p_name        => 'shop_error_rate',
  p_function    => 'vigil.check_error_ratio',
  p_params      => '{"table": "shop.system_logs", "time_column": "created_at",
                     "error_column": "level", "error_values": ["error", "critical"],
                     "window": "5 minutes", "min_rows": 20}',
  p_every       => '1 minute',
  p_service     => 'shop',
  p_warning     => 5,
  p_critical    => 10,
  p_description => 'Percent of log lines at level error or critical in the last 5 minutes.');

-- Provider performance: each provider's p95 response time over the last hour
-- against its own p95 over the 7 days before. Warning at 2x, high at 3x.
-- (The runbook compares the last 10 minutes; an hour with at least 20 calls
-- per provider is less noisy.)
select vigil.add_check(
  p_name        => 'shop_provider_p95',
  p_function    => 'vigil.check_latency_vs_baseline',
  p_params      => '{"table": "shop.fulfillment_events", "time_column": "created_at",
                     "value_column": "response_time_ms", "group_by": "provider",
                     "percentile": 0.95, "window": "1 hour", "baseline": "7 days", "min_count": 20}',
  p_every       => '5 minutes',
  p_service     => 'shop',
  p_labels      => '{"area": "fulfillment"}',
  p_warning     => 2,
  p_critical    => 3,
  p_description => 'Provider p95 response time over the last hour divided by its 7-day p95.');

-- Manual queue, urgent items: the oldest pending urgent item waiting more
-- than 60 minutes warns, more than 120 pages.
select vigil.add_check(
  p_name        => 'shop_manual_queue_urgent_age',
  p_function    => 'vigil.check_queue_health',
  p_params      => '{"table": "shop.manual_queue", "time_column": "created_at",
                     "where": "status = ''pending''",
                     "priority_column": "priority", "min_priority": "urgent",
                     "measure": "oldest_minutes"}',
  p_every       => '1 minute',
  p_service     => 'shop',
  p_labels      => '{"area": "operations"}',
  p_warning     => 60,
  p_critical    => 120,
  p_description => 'Minutes the oldest pending urgent item of the manual queue has waited.');

-- Manual queue capacity: more than 50 pending items warns (the runbook's
-- "capacity threshold"), 100 pages.
select vigil.add_check(
  p_name        => 'shop_manual_queue_depth',
  p_function    => 'vigil.check_queue_health',
  p_params      => '{"table": "shop.manual_queue", "time_column": "created_at",
                     "where": "status = ''pending''", "measure": "depth"}',
  p_every       => '1 minute',
  p_service     => 'shop',
  p_labels      => '{"area": "operations"}',
  p_warning     => 50,
  p_critical    => 100,
  p_description => 'Pending items in the manual queue.');

-- Cost anomaly: today's costs (New York day) against the average day of the
-- last 30. Warning at 25% above, high at 50% above. Today so far is compared
-- with whole days, so it fires once the day really is expensive.
select vigil.add_check(
  p_name        => 'shop_daily_cost',
  p_function    => 'vigil.check_sum_vs_baseline',
  p_params      => '{"table": "shop.costs", "time_column": "incurred_at", "amount_column": "amount",
                     "timezone": "America/New_York", "baseline_days": 30}',
  p_every       => '15 minutes',
  p_service     => 'shop',
  p_labels      => '{"area": "finance"}',
  p_warning     => 25,
  p_critical    => 50,
  p_description => 'Percent by which today''s costs exceed the 30-day daily average.');

commit;
