-- vigil._premake_partitions(p_set, p_now, p_lock_timeout): makes the
-- partitions of one partition set for the period that holds p_now and the
-- p_set.premake periods after it, where they are missing. One row per
-- partition made, or skipped or failed with the reason.
--
-- A period already covered by partitions (pgvigil's or the DBA's own, with
-- any names) is left alone. One partly covered (the interval was changed, or
-- the DBA's partitions do not line up) gets a partition for the part that is
-- not, when that part is one range. A partition whose range holds rows that
-- sit in the default partition cannot be made (check_violation): it is
-- skipped, the rows stay where they are, and vigil.check_default_partitions
-- reports them. Each DDL waits at most p_lock_timeout for its lock (it needs
-- ACCESS EXCLUSIVE on the parent), so that it never queues the table's
-- readers behind it for long; on a timeout it is skipped, for the next
-- rotation to try again (premake leaves periods of slack). A new partition
-- belongs to the table's owner and has no grants of its own: it is read and
-- written through its table.
create or replace function vigil._premake_partitions(
  p_set          vigil.partition_sets,
  p_now          timestamptz,
  p_lock_timeout interval
)
returns table (action text, partition text, detail text)
language plpgsql
set search_path = ''
as $$
declare
  v_parent    regclass := pg_catalog.to_regclass(p_set.parent);
  v_schema    name;
  v_table     name;
  v_owner     oid;
  v_key_type  text;
  v_covered   pg_catalog.tsmultirange;
  v_gaps      pg_catalog.tsmultirange;
  v_gap       pg_catalog.tsrange;
  v_from      timestamp;
  v_to        timestamp;
  v_suffix    text;
  v_name      text;
  v_format    text;
  v_show      text;
  v_label     text;
  v_old_lock  text := pg_catalog.current_setting('lock_timeout');
  v_lock_ms   text := ((pg_catalog.date_part('epoch', p_lock_timeout) * 1000)::bigint)::text;
  v_grantee   oid;
begin
  select n.nspname, c.relname, c.relowner into v_schema, v_table, v_owner
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.oid = v_parent;
  select k.key_type into v_key_type from vigil._partition_key(v_parent) k;
  if v_key_type is null then
    raise exception '% is not a table range-partitioned on one timestamptz, timestamp or date column', p_set.parent
      using errcode = 'invalid_parameter_value';
  end if;
  v_format := case v_key_type
                when 'date' then 'YYYY-MM-DD'
                when 'timestamp' then 'YYYY-MM-DD HH24:MI:SS.US'
                else 'YYYY-MM-DD HH24:MI:SS.US"+00"'
              end;
  v_show := case v_key_type
              when 'date' then 'YYYY-MM-DD'
              when 'timestamp' then 'YYYY-MM-DD HH24:MI:SS'
              else 'YYYY-MM-DD HH24:MI:SS"+00"'
            end;

  select coalesce(pg_catalog.range_agg(pg_catalog.tsrange(p.range_from, p.range_to)), '{}'::pg_catalog.tsmultirange)
    into v_covered
    from vigil._partitions_of(v_parent) p
   where not p.is_default;

  for v_i in 0 .. p_set.premake loop
    select pp.range_from, pp.range_to, pp.suffix into v_from, v_to, v_suffix
      from vigil._partition_period(p_set.partition_interval, pg_catalog.timezone('UTC', p_now), v_i) pp;
    v_gaps := pg_catalog.tsmultirange(pg_catalog.tsrange(v_from, v_to)) - v_covered;
    continue when pg_catalog.isempty(v_gaps);

    v_name := v_table || '_p' || v_suffix;
    partition := pg_catalog.format('%I.%I', v_schema, v_name);
    if (select pg_catalog.count(*) from pg_catalog.unnest(v_gaps) g) > 1 then
      action := 'skipped';
      detail := pg_catalog.format('the period %s to %s is partly covered by other partitions, leaving the gaps %s: make those by hand',
                                  pg_catalog.to_char(v_from, v_show), pg_catalog.to_char(v_to, v_show),
                                  (select pg_catalog.string_agg(pg_catalog.to_char(pg_catalog.lower(g), v_show) || ' to '
                                                                || pg_catalog.to_char(pg_catalog.upper(g), v_show), ', ')
                                     from pg_catalog.unnest(v_gaps) g));
      return next;
      continue;
    end if;
    v_gap := pg_catalog.range_merge(v_gaps);
    if pg_catalog.to_regclass(partition) is not null then
      action := 'skipped';
      detail := pg_catalog.format('a table %s exists already and is not a partition of %s for %s to %s; rename it, or make the partition by hand',
                                  partition, p_set.parent, pg_catalog.to_char(pg_catalog.lower(v_gap), v_show),
                                  pg_catalog.to_char(pg_catalog.upper(v_gap), v_show));
      return next;
      continue;
    end if;

    v_label := case
                 when pg_catalog.lower(v_gap) <> v_from or pg_catalog.upper(v_gap) <> v_to then
                   pg_catalog.format('%s to %s', pg_catalog.to_char(pg_catalog.lower(v_gap), v_show),
                                     pg_catalog.to_char(pg_catalog.upper(v_gap), v_show))
                 when p_set.partition_interval = 'day' then pg_catalog.to_char(v_from, 'YYYY-MM-DD')
                 when p_set.partition_interval = 'week' then 'the week of ' || pg_catalog.to_char(v_from, 'YYYY-MM-DD')
                 else pg_catalog.to_char(v_from, 'YYYY-MM')
               end;
    begin
      perform pg_catalog.set_config('lock_timeout', v_lock_ms, true);
      execute pg_catalog.format('create table %I.%I partition of %I.%I for values from (%L) to (%L)',
                                v_schema, v_name, v_schema, v_table,
                                pg_catalog.to_char(pg_catalog.lower(v_gap), v_format),
                                pg_catalog.to_char(pg_catalog.upper(v_gap), v_format));
      execute pg_catalog.format('comment on table %I.%I is %L', v_schema, v_name,
        pg_catalog.format('%s partition of %s for %s%s, made by pgvigil.',
          case p_set.partition_interval when 'day' then 'Daily' when 'week' then 'Weekly' else 'Monthly' end,
          p_set.parent, v_label, case when v_key_type = 'timestamptz' then ' (UTC)' else '' end));
      action := 'created';
      detail := pg_catalog.format('for %s to %s', pg_catalog.to_char(pg_catalog.lower(v_gap), v_show),
                                  pg_catalog.to_char(pg_catalog.upper(v_gap), v_show));
      -- A partition is reached through its table, whose grants (and row
      -- level security) apply; what default privileges gave the new table
      -- on its own would bypass them (Supabase grants anon and
      -- authenticated every new table), so it is taken back.
      for v_grantee in
        select distinct a.grantee
          from pg_catalog.pg_class c cross join lateral pg_catalog.aclexplode(c.relacl) a
         where c.oid = pg_catalog.to_regclass(partition) and a.grantee <> c.relowner
      loop
        execute pg_catalog.format('revoke all on table %I.%I from %s', v_schema, v_name,
          case when v_grantee = 0 then 'public' else pg_catalog.quote_ident((select r.rolname from pg_catalog.pg_roles r where r.oid = v_grantee)) end);
      end loop;
      -- The partition belongs to whoever owns the table, not to pgvigil.
      if (select c.relowner from pg_catalog.pg_class c where c.oid = pg_catalog.to_regclass(partition)) <> v_owner then
        begin
          execute pg_catalog.format('alter table %I.%I owner to %I', v_schema, v_name,
                                    (select r.rolname from pg_catalog.pg_roles r where r.oid = v_owner));
        exception when insufficient_privilege then
          detail := detail || pg_catalog.format(' (owned by %s: could not hand it to the table''s owner: %s)', current_user, sqlerrm);
        end;
      end if;
      perform pg_catalog.set_config('lock_timeout', v_old_lock, true);
      v_covered := v_covered + pg_catalog.tsmultirange(v_gap);
    exception
      when check_violation then
        action := 'skipped';
        detail := pg_catalog.format('rows for %s to %s sit in the default partition, so this partition cannot be made; they stay there (vigil.check_default_partitions reports them; docs/partitions.md says how to move them)',
                                    pg_catalog.to_char(pg_catalog.lower(v_gap), v_show), pg_catalog.to_char(pg_catalog.upper(v_gap), v_show));
      when lock_not_available then
        action := 'skipped';
        detail := pg_catalog.format('could not lock %s within %s (a long query or transaction holds it); the next rotation tries again',
                                    p_set.parent, p_lock_timeout);
      when duplicate_table then
        action := 'skipped';
        detail := 'made at the same time by another session (vigil.run_check premakes pgvigil''s own sets too)';
      when others then
        action := 'failed';
        detail := sqlerrm;
    end;
    perform pg_catalog.set_config('lock_timeout', v_old_lock, true);
    return next;
  end loop;
end
$$;

comment on function vigil._premake_partitions(vigil.partition_sets, timestamptz, interval) is
  'Internal: makes the missing partitions of one set for the period holding p_now and the premake periods after it (named <table>_pYYYYMMDD or _pYYYYMM, owned by the table''s owner); returns one row per partition created, skipped (rows in the default partition, lock not available within p_lock_timeout, name taken) or failed.';
