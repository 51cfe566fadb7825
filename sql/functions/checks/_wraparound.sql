-- vigil._wraparound(p_kind): how close each database is to the wraparound of
-- its transaction IDs (p_kind 'xid') or multixact IDs ('mxid'), as the rows of
-- a check.
--
-- Why: check_xid_wraparound and check_multixact_wraparound measure the same
-- thing for two 32-bit ID spaces that VACUUM must freeze: the age of the
-- oldest unfrozen ID of each database as a percent of the age at which
-- autovacuum forces an anti-wraparound vacuum, plus how much of the 2^31
-- space is left. Only the names differ, and they are all in the table below;
-- each check adds its own hint.
--
-- An unknown p_kind returns no rows.
create or replace function vigil._wraparound(p_kind text)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with k as (
    select v.age_key, v.setting, v.left_key,
           pg_catalog.current_setting(v.setting)::double precision as freeze_max_age
      from (values ('xid',  'xid_age',  'autovacuum_freeze_max_age',           'xids_until_wraparound'),
                   ('mxid', 'mxid_age', 'autovacuum_multixact_freeze_max_age', 'mxids_until_wraparound')
           ) as v(kind, age_key, setting, left_key)
     where v.kind = p_kind
  ), d as (
    select d.datname, d.datallowconn,
           case p_kind when 'xid' then pg_catalog.age(d.datfrozenxid)
                       when 'mxid' then pg_catalog.mxid_age(d.datminmxid) end as age
      from pg_catalog.pg_database d
  )
  select d.datname::text as series,
         100.0 * d.age / k.freeze_max_age as value,
         pg_catalog.jsonb_build_object('database', d.datname) as labels,
         pg_catalog.jsonb_build_object(
           k.age_key, d.age,
           k.setting, k.freeze_max_age::bigint,
           k.left_key, 2147483648::bigint - d.age,
           'percent_of_wraparound', pg_catalog.round((100.0 * d.age / 2147483648)::numeric, 2),
           'datallowconn', d.datallowconn
         ) as detail
    from k
   cross join d
$$;

comment on function vigil._wraparound(text) is
  'Internal (check_xid_wraparound, check_multixact_wraparound): one row per database of pg_catalog.pg_database; value is the age of its oldest unfrozen ID (p_kind xid: age(datfrozenxid); mxid: mxid_age(datminmxid)) as a percent of autovacuum_freeze_max_age or autovacuum_multixact_freeze_max_age; detail has that age (xid_age or mxid_age), the setting, the IDs left until wraparound (xids_ or mxids_until_wraparound, of 2^31), percent_of_wraparound and datallowconn. No rows for another p_kind.';
