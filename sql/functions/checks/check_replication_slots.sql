-- vigil.check_replication_slots(p_params): WAL retained by each replication
-- slot, in bytes.
--
-- Why: a slot keeps every WAL segment its consumer has not confirmed. A
-- forgotten or stalled slot (a dead replica, a dropped subscriber, a CDC tool
-- that stopped) fills pg_wal until the disk is full and the server stops.
-- Retained bytes are the distance from the current WAL position to the slot's
-- restart_lsn. A slot whose wal_status is 'unreserved' (about to lose WAL) or
-- 'lost' (its WAL is gone: the consumer must be rebuilt) reports at least the
-- critical threshold of its check (10 GiB by default), whatever it retains.
-- The xmin horizon a slot holds back (bloat) is reported in detail.
create or replace function vigil.check_replication_slots(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with here as (
    select case when pg_catalog.pg_is_in_recovery() then pg_catalog.pg_last_wal_replay_lsn()
                else pg_catalog.pg_current_wal_lsn() end as lsn
  ), floor_value as (
    -- the value that makes a lost or unreserved slot critical
    select greatest(10737418240::double precision,
                    coalesce((select coalesce(c.critical, c.warning) from vigil.checks c
                               where c.name = p_params->>'_check'), 0)) as v
  ), slot as (
    select s.*, pg_catalog.to_jsonb(s) as j,
           pg_catalog.pg_wal_lsn_diff(here.lsn, s.restart_lsn)::double precision as retained
      from pg_catalog.pg_replication_slots s cross join here
  )
  select slot.slot_name::text,
         case when slot.wal_status in ('lost', 'unreserved')
              then greatest(coalesce(slot.retained, 0), floor_value.v)
              else coalesce(slot.retained, 0) end,
         pg_catalog.jsonb_build_object('slot', slot.slot_name, 'type', slot.slot_type,
                                       'database', slot.database, 'active', slot.active),
         pg_catalog.jsonb_build_object(
           'wal_status', slot.wal_status,
           'safe_wal_size', slot.safe_wal_size,
           'active_pid', slot.active_pid,
           'retained_bytes', slot.retained,
           'restart_lsn', slot.restart_lsn::text,
           'temporary', slot.temporary)
         || pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'plugin', slot.plugin,
           'xmin_age', pg_catalog.age(slot.xmin),
           'catalog_xmin_age', pg_catalog.age(slot.catalog_xmin),
           'inactive_since', slot.j->'inactive_since',
           'invalidation_reason', slot.j->'invalidation_reason',
           'hint', case
                     when slot.wal_status = 'lost'
                       then 'the WAL this slot needs is gone: its consumer must be re-created; drop the slot'
                     when slot.wal_status = 'unreserved'
                       then 'the slot is past max_slot_wal_keep_size and will lose its WAL at the next checkpoint'
                     when not slot.active
                       then 'inactive slot: if its consumer is gone for good, pg_drop_replication_slot(' ||
                            pg_catalog.quote_literal(slot.slot_name::text) || ')'
                   end))
    from slot cross join floor_value;
$$;

comment on function vigil.check_replication_slots(jsonb) is
  'WAL retained by each replication slot, in bytes: pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) (the replay position on a standby); one row per slot of pg_catalog.pg_replication_slots, series = slot name, labels {slot, type, database, active}, detail {wal_status, safe_wal_size, active_pid, ...}. A slot with wal_status lost or unreserved reports at least the critical threshold of its check (10 GiB by default). Default thresholds (direction above): warning 1 GiB (1073741824), critical 10 GiB (10737418240), following postgres_exporter and PgHero replication slot guidance.';
