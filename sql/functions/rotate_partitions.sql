-- vigil.rotate_partitions(p_now, p_lock_timeout): partition maintenance for
-- every set in vigil.partition_sets. For each set, in one pass:
--   1. premake: the partitions for the period holding p_now and the
--      premake periods after it, where missing (vigil._premake_partitions);
--   2. retention: drop or detach every partition whose upper bound is at or
--      before p_now - retention (vigil._expire_partitions).
-- It returns what it did, one row per partition; nothing when everything is
-- in place, so it is idempotent and cheap to run often (pg_cron runs it
-- hourly). Rows in a default partition are never moved or deleted.
--
-- A set that fails (its table was dropped or renamed, a lock was not
-- available) does not stop the others: the failure is a row of the result
-- and goes to partition_sets.last_error. Rotations run one at a time (an
-- advisory lock); run it as a transaction of its own, as pg_cron does, since
-- the parents it changed stay locked until commit.
create or replace function vigil.rotate_partitions(
  p_now          timestamptz default pg_catalog.now(),
  p_lock_timeout interval default '1 second'
)
returns table (parent text, action text, partition text, detail text)
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin (and the scheduler) rotate pgvigil's
-- own history tables, which they do not own; a DBA's table is only ever
-- registered by a member of its owner (vigil.register_partitioned).
declare
  v_set    vigil.partition_sets;
  v_errors text[];
  v_done   jsonb;
  v_row    record;
  v_from   timestamp;
  v_to     timestamp;
  v_idle   boolean;
begin
  if p_now is null then
    raise exception 'p_now is NULL'
      using errcode = 'invalid_parameter_value', hint = 'Omit it to use now().';
  end if;
  if p_lock_timeout is null or p_lock_timeout <= interval '0' then
    raise exception 'lock timeout % is not positive', coalesce(p_lock_timeout::text, 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'How long each DDL may wait for its lock, e.g. ''1 second''; a partition that cannot be locked in time is skipped until the next rotation.';
  end if;
  -- 33329940274312289 is "vigrota" in ASCII.
  perform pg_catalog.pg_advisory_xact_lock(33329940274312289);

  for v_set in select * from vigil.partition_sets s order by s.parent loop
    v_errors := '{}';
    v_done := '[]';
    parent := v_set.parent;
    begin
      if pg_catalog.to_regclass(v_set.parent) is null then
        raise exception 'table % does not exist (dropped or renamed?)', v_set.parent
          using errcode = 'undefined_table';
      end if;
      if not exists (select from vigil._partition_key(pg_catalog.to_regclass(v_set.parent))) then
        raise exception '% is no longer range-partitioned on one timestamptz, timestamp or date column', v_set.parent
          using errcode = 'invalid_parameter_value';
      end if;
      -- Most rotations find nothing to do, and one look at the partitions
      -- says so: the periods to premake are covered and nothing has expired.
      -- Such a set is passed over (it used to cost a few ms a set, as much as
      -- the DROP of a rotation that does work).
      select pp0.range_from, ppn.range_to into v_from, v_to
        from vigil._partition_period(v_set.partition_interval, pg_catalog.timezone('UTC', p_now), 0) pp0,
             vigil._partition_period(v_set.partition_interval, pg_catalog.timezone('UTC', p_now), v_set.premake) ppn;
      select coalesce(pg_catalog.range_agg(pg_catalog.tsrange(p.range_from, p.range_to)) filter (where not p.is_default),
                      '{}'::pg_catalog.tsmultirange) @> pg_catalog.tsrange(v_from, v_to)
             and not coalesce(pg_catalog.bool_or(not p.is_default
                                                 and p.range_to <= pg_catalog.timezone('UTC', p_now) - v_set.retention), false)
        into v_idle
        from vigil._partitions_of(pg_catalog.to_regclass(v_set.parent)) p;
      if not v_idle then
        -- Premake first, then retention; the rows are returned once both went through.
        v_done := coalesce((select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(m))
                              from vigil._premake_partitions(v_set, p_now, p_lock_timeout) m), '[]');
        v_done := v_done || coalesce((select pg_catalog.jsonb_agg(pg_catalog.to_jsonb(e))
                                        from vigil._expire_partitions(v_set, p_now, p_lock_timeout) e), '[]');
      end if;
    exception when others then
      v_done := pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('action', 'failed', 'detail',
        sqlerrm || case when sqlstate = '42P01'
                        then '; unregister it with vigil.unregister_partitioned(' || pg_catalog.quote_literal(v_set.parent) || ')'
                        else '' end));
    end;
    for v_row in
      select x.value ->> 'action' as action, x.value ->> 'partition' as partition, x.value ->> 'detail' as detail
        from pg_catalog.jsonb_array_elements(v_done) with ordinality x
       order by x.ordinality
    loop
      action := v_row.action;
      partition := v_row.partition;
      detail := v_row.detail;
      if action in ('skipped', 'failed') then
        v_errors := v_errors || pg_catalog.concat_ws(' ', action, partition || ':', detail);
      end if;
      return next;
    end loop;
    update vigil.partition_sets s
       set last_rotated_at = p_now,
           last_error = nullif(pg_catalog.array_to_string(v_errors, '; '), '')
     where s.parent = v_set.parent;
  end loop;
end
$$;

comment on function vigil.rotate_partitions(timestamptz, interval) is
  'Partition maintenance for every set in vigil.partition_sets: makes the partitions for the period holding p_now and the premake periods after it, and drops or detaches each partition whose upper bound is at or before p_now - retention (UTC); never touches a default partition or its rows. Returns one row per partition: created, dropped, detached, skipped (rows in the default partition, lock not available within p_lock_timeout) or failed, with the reason; no rows when all is in place. Idempotent: select * from vigil.rotate_partitions(); pg_cron runs it hourly. Raises 22023 on a null p_now or a lock timeout that is not positive.';
