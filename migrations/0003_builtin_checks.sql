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
     'Seconds since the previous tick: ticks that slow down make every alert late.'),
    -- sessions and locks
    ('connections', 'vigil.check_connections', '1 minute', 'above', 80, 90, 'critical',
     'Connections in use as a percent of the usable max_connections (minus superuser_reserved_connections and reserved_connections).'),
    ('long_queries', 'vigil.check_long_queries', '1 minute', 'above', 120, 300, 'critical',
     'Seconds each active query has been running, one row per backend.'),
    ('long_transactions', 'vigil.check_long_transactions', '1 minute', 'above', 300, 900, 'critical',
     'Seconds each transaction has been open, idle or not, one row per backend.'),
    ('idle_in_transaction', 'vigil.check_idle_in_transaction', '1 minute', 'above', 60, 300, 'critical',
     'Seconds each session has sat idle inside an open transaction, one row per backend.'),
    ('blocked_sessions', 'vigil.check_blocked_sessions', '1 minute', 'above', 30, 120, 'critical',
     'Seconds each session has waited for a lock, with the pids and queries that block it.'),
    ('deadlocks', 'vigil.check_deadlocks', '1 minute', 'above', 1, 5, 'warning',
     'Deadlocks in this database since the previous run.'),
    ('prepared_transactions', 'vigil.check_prepared_transactions', '1 minute', 'above', 60, 300, 'critical',
     'Seconds since each prepared (two-phase) transaction was prepared, cluster-wide.'),
    -- server, WAL, replication, extensions
    ('rollback_ratio', 'vigil.check_rollback_ratio', '5 minutes', 'above', 5, 10, 'critical',
     'Rolled-back transactions as a percent of all transactions in this database since the previous run.'),
    ('cache_hit_ratio', 'vigil.check_cache_hit_ratio', '5 minutes', 'below', 99, 95, 'warning',
     'Buffer cache hit percent in this database since the previous run.'),
    ('replication_lag', 'vigil.check_replication_lag', '1 minute', 'above', 30, 300, 'critical',
     'Replay lag of each replica in seconds (on a standby: seconds behind the primary).'),
    ('replication_slots', 'vigil.check_replication_slots', '1 minute', 'above', 1073741824, 10737418240, 'critical',
     'WAL retained by each replication slot, in bytes.'),
    ('wal_archiving', 'vigil.check_wal_archiving', '1 minute', 'above', 1, 5, 'critical',
     'WAL archive attempts that failed since the last successful archive.'),
    ('requested_checkpoints', 'vigil.check_requested_checkpoints', '1 hour', 'above', 50, 80, 'warning',
     'Requested checkpoints as a percent of all checkpoints since the previous run: a high share means max_wal_size is too small.'),
    -- No thresholds until the DBA declares a capacity: without one the value is
    -- in bytes, and a percent threshold would always fire. To arm it:
    -- select vigil.update_check('database_size', p_params => '{"capacity_bytes": 107374182400}', p_warning => 80, p_critical => 90);
    ('database_size', 'vigil.check_database_size', '15 minutes', 'above', null, null, 'critical',
     'Size of the current database as a percent of params.capacity_bytes (in bytes, and no thresholds, until a capacity is set).'),
    ('statement_outliers', 'vigil.check_statement_outliers', '15 minutes', 'above', 1000, 5000, 'info',
     'Statements of this database with a high mean execution time (ms), from pg_stat_statements.'),
    ('cron_job_failures', 'vigil.check_cron_job_failures', '5 minutes', 'above', 1, 3, 'warning',
     'Failed runs of each pg_cron job in the last hour.'),
    -- tables, vacuum, indexes, sequences
    ('xid_wraparound', 'vigil.check_xid_wraparound', '1 hour', 'above', 200, 500, 'critical',
     'Transaction ID age per database, as a percent of autovacuum_freeze_max_age (100 = anti-wraparound vacuum due; wraparound is at about 1070 with the default setting).'),
    ('multixact_wraparound', 'vigil.check_multixact_wraparound', '1 hour', 'above', 200, 400, 'critical',
     'Multixact ID age per database, as a percent of autovacuum_multixact_freeze_max_age (wraparound is at about 537 with the default setting).'),
    ('dead_tuples', 'vigil.check_dead_tuples', '15 minutes', 'above', 2, 5, 'critical',
     'Dead rows per table as a multiple of its autovacuum vacuum threshold: how many times over the point where autovacuum should have run.'),
    ('analyze_staleness', 'vigil.check_analyze_staleness', '15 minutes', 'above', 2, 5, 'warning',
     'Rows modified since the last analyze per table, as a multiple of its autovacuum analyze threshold; detail has the hours since the last analyze.'),
    ('table_bloat', 'vigil.check_table_bloat', '1 day', 'above', 50, 80, 'info',
     'Estimated wasted space per table of 10 MB or more, in percent (ioguix estimate from pg_stats and relpages; an estimate, not a measurement).'),
    ('invalid_indexes', 'vigil.check_invalid_indexes', '1 hour', 'above', 1, null, 'warning',
     'Indexes left invalid, e.g. by a failed CREATE INDEX CONCURRENTLY.'),
    ('unused_indexes', 'vigil.check_unused_indexes', '1 day', 'above', 1, null, 'info',
     'Non-unique indexes of 1 MB or more never scanned since the statistics reset (scans on replicas are not counted); value = index bytes.'),
    ('duplicate_indexes', 'vigil.check_duplicate_indexes', '1 day', 'above', 1, null, 'info',
     'Indexes that exactly duplicate another index on the same table; value = bytes of the redundant index.'),
    ('sequence_exhaustion', 'vigil.check_sequence_exhaustion', '1 hour', 'above', 75, 90, 'critical',
     'Percent of its range each sequence has used, limited by the type of the column that owns it (an int4 column stops at 2147483647 even behind a bigint sequence).'),
    ('disabled_triggers', 'vigil.check_disabled_triggers', '1 hour', 'above', 1, null, 'warning',
     'User triggers left disabled (ALTER TABLE ... DISABLE TRIGGER).')
  ) as v(name, function_name, every, direction, warning, critical, max_severity, description)
on conflict (name) do nothing;
