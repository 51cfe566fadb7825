-- vigil.check_replication_lag(p_params): how far behind each replica is, in
-- seconds.
--
-- Why: a replica that falls behind serves stale reads, loses data on failover
-- and, through its slot, makes the primary keep WAL. On a primary, each row of
-- pg_stat_replication is a replica (or a pg_receivewal / logical subscriber):
-- the value is its replay_lag. replay_lag turns null once a replica has caught
-- up and the primary is idle, so a replica whose replay position equals the
-- current WAL position reports 0; a client that never reports a replay
-- position (pg_receivewal) is measured on flush instead. Base backups
-- (state 'backup') are not replicas and are left out. On a standby the check
-- returns one row: the seconds since the last replayed transaction, or 0
-- while everything received has been replayed (an idle primary is not lag).
-- No replicas and not a standby: no rows.
create or replace function vigil.check_replication_lag(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with here as (
    select pg_catalog.pg_is_in_recovery() as standby,
           case when pg_catalog.pg_is_in_recovery() then pg_catalog.pg_last_wal_receive_lsn()
                else pg_catalog.pg_current_wal_lsn() end as lsn
  ), rep as (
    select r.pid, r.application_name, r.client_addr, r.state, r.sync_state,
           r.sent_lsn, r.write_lsn, r.flush_lsn, r.replay_lsn,
           r.write_lag, r.flush_lag, r.replay_lag,
           s.slot_name, s.slot_type,
           pg_catalog.count(*) over (partition by r.application_name) as same_name
      from pg_catalog.pg_stat_replication r
      left join pg_catalog.pg_replication_slots s on s.active_pid = r.pid
     where r.state is distinct from 'backup'
  )
  select case when rep.same_name > 1 then rep.application_name || ':' || rep.pid::text
              else rep.application_name end,
         case when rep.replay_lsn is not null
              then coalesce(pg_catalog.date_part('epoch', rep.replay_lag),
                            case when rep.replay_lsn >= here.lsn then 0 end)
              else coalesce(pg_catalog.date_part('epoch', rep.flush_lag),
                            case when rep.flush_lsn >= here.lsn then 0 end)
         end,
         pg_catalog.jsonb_build_object('replica', rep.application_name,
                                       'client_addr', pg_catalog.host(rep.client_addr),
                                       'slot', rep.slot_name,
                                       'kind', coalesce(rep.slot_type, 'physical')),
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'pid', rep.pid,
           'state', rep.state,
           'sync_state', rep.sync_state,
           'measured_on', case when rep.replay_lsn is not null then 'replay' when rep.flush_lsn is not null then 'flush' end,
           'replay_bytes_behind', pg_catalog.pg_wal_lsn_diff(here.lsn, rep.replay_lsn),
           'flush_bytes_behind', pg_catalog.pg_wal_lsn_diff(here.lsn, rep.flush_lsn),
           'sent_bytes_behind', pg_catalog.pg_wal_lsn_diff(here.lsn, rep.sent_lsn),
           'write_lag_s', pg_catalog.date_part('epoch', rep.write_lag),
           'flush_lag_s', pg_catalog.date_part('epoch', rep.flush_lag),
           'replay_lag_s', pg_catalog.date_part('epoch', rep.replay_lag),
           'hidden', case when rep.state is null
                          then 'the replica''s positions are visible only to superusers and pg_read_all_stats' end))
    from rep cross join here
  union all
  select 'standby',
         case when here.lsn = pg_catalog.pg_last_wal_replay_lsn() then 0
              else greatest(0, pg_catalog.date_part('epoch', pg_catalog.now() - pg_catalog.pg_last_xact_replay_timestamp()))
         end,
         pg_catalog.jsonb_build_object('role', 'standby'),
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'receive_lsn', here.lsn::text,
           'replay_lsn', pg_catalog.pg_last_wal_replay_lsn()::text,
           'replay_bytes_behind', pg_catalog.pg_wal_lsn_diff(here.lsn, pg_catalog.pg_last_wal_replay_lsn()),
           'last_replay_at', pg_catalog.pg_last_xact_replay_timestamp(),
           'replay_paused', pg_catalog.pg_is_wal_replay_paused(),
           'wal_receiver', coalesce((select w.status from pg_catalog.pg_stat_wal_receiver w),
                                    'none (archive recovery, or the receiver is down)')))
    from here
   where here.standby;
$$;

comment on function vigil.check_replication_lag(jsonb) is
  'Replication lag in seconds. On a primary: one row per pg_stat_replication entry (base backups excluded), series = application_name (plus :pid when names repeat), value = replay_lag (flush_lag for clients that never replay, such as pg_receivewal; 0 when caught up), labels {replica, client_addr, slot, kind}, bytes behind in detail. On a standby: one row, series standby, value = seconds since pg_last_xact_replay_timestamp() when received and replayed WAL differ, else 0. No replicas: no rows. Reads pg_catalog.pg_stat_replication, pg_replication_slots, pg_stat_wal_receiver and the WAL position functions. Default thresholds (direction above): warning 30, critical 300 seconds, the warning at the 30 s of awesome-prometheus-alerts (PostgresqlReplicationLag, for postgres_exporter), the critical at 5 minutes, pgvigil''s choice.';
