-- vigil._expire_partitions(p_set, p_now, p_lock_timeout): applies the
-- retention of one partition set. A partition is expired when its upper
-- bound is at or before p_now - retention (in UTC): every row it can hold is
-- older than the retention. Expired partitions are dropped or detached, as
-- the set says, oldest first; one row per partition, or a skipped or failed
-- row with the reason.
--
-- The default partition is never touched: its rows are not in any range, so
-- retention does not apply to them (vigil.check_default_partitions reports
-- them). A partition with a MAXVALUE upper bound never expires.
--
-- A detached partition keeps its name and gets a COMMENT that starts
-- "pgvigil: detached from <parent> at <p_now>": vigil.detached_partitions
-- lists them from those comments.
create or replace function vigil._expire_partitions(
  p_set          vigil.partition_sets,
  p_now          timestamptz,
  p_lock_timeout interval
)
returns table (action text, partition text, detail text)
language plpgsql
set search_path = ''
as $$
declare
  v_parent   regclass := pg_catalog.to_regclass(p_set.parent);
  v_cutoff   timestamp;
  v_key      name;
  v_key_type text;
  v_format   text;
  v_old_lock text := pg_catalog.current_setting('lock_timeout');
  v_lock_ms  text := ((pg_catalog.date_part('epoch', p_lock_timeout) * 1000)::bigint)::text;
  v_part     record;
begin
  if p_set.retention is null then
    return;
  end if;
  select k.key_column, k.key_type into v_key, v_key_type from vigil._partition_key(v_parent) k;
  if v_key_type is null then
    raise exception '% is not a table range-partitioned on one timestamptz, timestamp or date column', p_set.parent
      using errcode = 'invalid_parameter_value';
  end if;
  v_format := case v_key_type
                when 'date' then 'YYYY-MM-DD'
                when 'timestamp' then 'YYYY-MM-DD HH24:MI:SS'
                else 'YYYY-MM-DD HH24:MI:SS"+00"'
              end;
  v_cutoff := pg_catalog.timezone('UTC', p_now) - p_set.retention;

  for v_part in
    select p.schema_name, p.table_name, p.range_from, p.range_to
      from vigil._partitions_of(v_parent) p
     where not p.is_default and p.range_to <= v_cutoff
     order by p.range_to, p.table_name
  loop
    partition := pg_catalog.format('%I.%I', v_part.schema_name, v_part.table_name);
    begin
      perform pg_catalog.set_config('lock_timeout', v_lock_ms, true);
      if p_set.retention_action = 'drop' then
        execute pg_catalog.format('drop table %I.%I', v_part.schema_name, v_part.table_name);
        action := 'dropped';
      else
        execute pg_catalog.format('alter table %s detach partition %I.%I', v_parent, v_part.schema_name, v_part.table_name);
        execute pg_catalog.format('comment on table %I.%I is %L', v_part.schema_name, v_part.table_name,
          pg_catalog.format('pgvigil: detached from %s at %s by retention (%s); it held %I from %s to %s. Drop it when it is no longer needed: drop table %s;',
            p_set.parent, pg_catalog.to_char(pg_catalog.timezone('UTC', p_now), 'YYYY-MM-DD HH24:MI:SS"+00"'), p_set.retention,
            v_key, coalesce(pg_catalog.to_char(v_part.range_from, v_format), 'MINVALUE'),
            pg_catalog.to_char(v_part.range_to, v_format), partition));
        action := 'detached';
      end if;
      detail := pg_catalog.format('held %s to %s; expired at %s UTC (upper bound + %s)',
        coalesce(pg_catalog.to_char(v_part.range_from, v_format), 'MINVALUE'), pg_catalog.to_char(v_part.range_to, v_format),
        pg_catalog.to_char(v_part.range_to + p_set.retention, 'YYYY-MM-DD HH24:MI:SS'), p_set.retention);
      perform pg_catalog.set_config('lock_timeout', v_old_lock, true);
    exception
      when lock_not_available then
        action := 'skipped';
        detail := pg_catalog.format('could not lock %s within %s (a long query or transaction holds it); the next rotation tries again',
                                    p_set.parent, p_lock_timeout);
      when others then
        action := 'failed';
        detail := sqlerrm;
    end;
    perform pg_catalog.set_config('lock_timeout', v_old_lock, true);
    return next;
  end loop;
end
$$;

comment on function vigil._expire_partitions(vigil.partition_sets, timestamptz, interval) is
  'Internal: drops or detaches (as the set says) every partition of one set whose upper bound is at or before p_now - retention (UTC), never the default partition; returns one row per partition dropped, detached, skipped (lock not available within p_lock_timeout) or failed.';
