-- vigil._ensure_partitions(p_now): the cheap premake that vigil.run_check
-- calls on every run, so that pgvigil's own history (samples, check_runs,
-- alert_events, delivery_attempts) lands in partitions and not in the
-- DEFAULT ones even when nothing runs vigil.rotate_partitions. For each
-- builtin set it looks up one name: the partition of the period after the
-- one holding p_now (a to_regclass, no catalog scan). Only when that one is
-- missing does it premake the set (vigil._premake_partitions), which with
-- the default premake of 4 happens about once in 4 periods. Retention is
-- left to vigil.rotate_partitions; a DBA's own sets too.
--
-- It never raises: a partition it cannot make is made by the next call or
-- the next rotation. A lock it waits for more than 100 ms (a long query on
-- the table) makes the rest of the transaction (the tick) stop trying.
create or replace function vigil._ensure_partitions(p_now timestamptz)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_set     vigil.partition_sets;
  v_parts   text[];
  v_created integer := 0;
  v_action  text;
  v_at      timestamp := pg_catalog.timezone('UTC', p_now);
begin
  if pg_catalog.current_setting('vigil.premake_backoff', true) = 'on' then
    return 0;
  end if;
  for v_set in select * from vigil.partition_sets s where s.builtin order by s.parent loop
    v_parts := pg_catalog.parse_ident(v_set.parent);
    -- The name vigil._partition_period(interval, v_at, 1) gives, spelled
    -- out here: a function call per set would double this function's cost.
    continue when pg_catalog.to_regclass(pg_catalog.format('%I.%I', v_parts[1], v_parts[2] || '_p' ||
      case v_set.partition_interval
        when 'day' then pg_catalog.to_char(pg_catalog.date_trunc('day', v_at) + interval '1 day', 'YYYYMMDD')
        when 'week' then pg_catalog.to_char(pg_catalog.date_trunc('week', v_at) + interval '7 days', 'YYYYMMDD')
        else pg_catalog.to_char(pg_catalog.date_trunc('month', v_at) + interval '1 month', 'YYYYMM')
      end)) is not null;
    begin
      for v_action in select m.action from vigil._premake_partitions(v_set, p_now, interval '100 milliseconds') m loop
        if v_action = 'created' then
          v_created := v_created + 1;
        elsif v_action = 'skipped' then
          perform pg_catalog.set_config('vigil.premake_backoff', 'on', true);
        end if;
      end loop;
    exception when others then
      null;  -- the table is gone or changed: vigil.rotate_partitions reports it
    end;
  end loop;
  return v_created;
end
$$;

comment on function vigil._ensure_partitions(timestamptz) is
  'Internal, called by vigil.run_check: premakes pgvigil''s own partition sets when the partition for the period after p_now is missing (one to_regclass per set otherwise); returns how many partitions it made. Never raises.';
