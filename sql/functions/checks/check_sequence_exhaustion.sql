-- vigil.check_sequence_exhaustion: how much of its usable range each
-- sequence has used.
--
-- Why: when a sequence reaches its limit, nextval() fails and every INSERT
-- that needs an ID fails with it; the fix (ALTER COLUMN ... TYPE bigint)
-- rewrites the table and its indexes, which on a big table takes hours and
-- needs planning. The limit that matters is usually not the sequence's own:
-- since PostgreSQL 10 a serial column gets an int4 sequence, but sequences
-- created before 10 (kept by pg_upgrade and by dumps), by hand, or altered
-- are often bigint in front of an int4 column, and then INSERTs fail at
-- 2147483647 ("integer out of range") long before the sequence runs out. So
-- the limit is the smaller of the sequence's max_value and the maximum of the
-- column type that owns it (the pg_depend
-- link from the sequence to the column: 'a' for serial / OWNED BY, 'i' for
-- identity columns); a sequence owned by no column uses its own max_value.
-- Descending sequences are measured towards their min_value / the type's
-- minimum in the same way.
--
-- The value is the PERCENT of the range used:
-- 100 * (last_value - start of range) / (limit - start of range), the start
-- being the sequence's min_value (max_value when descending), clamped to the
-- column type. last_value is the one pg_sequences shows, read from the same
-- sources (pg_sequence, pg_sequence_last_value) so that each sequence is
-- opened once and only when the role may read it; a sequence never used has
-- no last_value and reports 0. A sequence the checking role may not read
-- reports null and says so in detail. Warning 75, critical 90. PgHero
-- sequence_danger alerts at 90 percent of the column type's maximum (the same
-- column-type rule); check_postgres sequence defaults are 85 and 95. We warn
-- at 75 (about 537 million IDs left on int4) because converting a large
-- table's column to bigint is a project, not a hotfix; 90 leaves 10 percent
-- (214 million IDs on int4) for the emergency.
--
-- Cost: like pg_sequences, this opens (and locks, AccessShareLock) every
-- sequence to read last_value; with tens of thousands of sequences, run it
-- hourly rather than every minute.
--
-- Params: include_vigil (default false) includes pgvigil's own sequences.
create or replace function vigil.check_sequence_exhaustion(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with p as (
    select coalesce((p_params->>'include_vigil')::boolean, false) as include_vigil
  ), seq as (
    -- pg_sequences, read from its own sources so that each sequence is
    -- opened once and only when the role may read it.
    select c.oid, n.nspname, c.relname, s.seqtypid, s.seqmin::numeric as seqmin, s.seqmax::numeric as seqmax,
           s.seqincrement, s.seqcycle,
           pg_catalog.has_sequence_privilege(c.oid, 'SELECT,USAGE') as readable
      from pg_catalog.pg_sequence s
      join pg_catalog.pg_class c on c.oid = s.seqrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     cross join p
     where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname !~ '^pg_(toast_)?temp_'
       and (n.nspname <> 'vigil' or p.include_vigil)
  ), v as materialized (
    -- last_value as pg_sequences shows it: null when never used (or not readable).
    select seq.*,
           case when seq.readable then pg_catalog.pg_sequence_last_value(seq.oid::pg_catalog.regclass)::numeric end as last_value
      from seq
  ), r as (
    select v.*, d.refobjid as tableid, a.attname,
           a.atttypid,
           -- The usable range: the sequence's own bounds, clamped to the owning column's type.
           greatest(v.seqmin, case a.atttypid when 'pg_catalog.int2'::pg_catalog.regtype then -32768::numeric
                                              when 'pg_catalog.int4'::pg_catalog.regtype then -2147483648::numeric
                                              else v.seqmin end) as low,
           least(v.seqmax, case a.atttypid when 'pg_catalog.int2'::pg_catalog.regtype then 32767::numeric
                                           when 'pg_catalog.int4'::pg_catalog.regtype then 2147483647::numeric
                                           else v.seqmax end) as high
      from v
      -- The owning column: 'a' for serial / OWNED BY, 'i' for identity.
      left join pg_catalog.pg_depend d
        on d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = v.oid and d.objsubid = 0
       and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.refobjsubid > 0
       and d.deptype in ('a', 'i')
      left join pg_catalog.pg_attribute a
        on a.attrelid = d.refobjid and a.attnum = d.refobjsubid and not a.attisdropped
  ), u as (
    select r.*,
           case when r.seqincrement > 0 then r.high else r.low end as limit_value,
           -- Where the sequence stands: a never-used one is at the start of its range.
           coalesce(r.last_value, case when r.seqincrement > 0 then r.low else r.high end) as at_value
      from r
  )
  select pg_catalog.format('%I.%I', u.nspname, u.relname) as series,
         case when u.readable then
           coalesce(100 * (case when u.seqincrement > 0 then u.at_value - u.low else u.high - u.at_value end)
                        / nullif(u.high - u.low, 0), 0) end::double precision as value,
         case when u.tableid is null
              then pg_catalog.jsonb_build_object('sequence', pg_catalog.format('%I.%I', u.nspname, u.relname))
              else pg_catalog.jsonb_build_object('sequence', pg_catalog.format('%I.%I', u.nspname, u.relname),
                     'column', pg_catalog.format('%s.%I', u.tableid::pg_catalog.regclass, u.attname)) end as labels,
         pg_catalog.jsonb_build_object(
           'last_value', u.last_value,
           'limit', u.limit_value,
           'remaining', case when u.readable then pg_catalog.abs(u.limit_value - u.at_value) end,
           'increment_by', u.seqincrement,
           'sequence_type', pg_catalog.format_type(u.seqtypid, null),
           'column_type', case when u.atttypid is not null then pg_catalog.format_type(u.atttypid, null) end,
           'cycle', u.seqcycle,
           'readable', u.readable,
           'hint', case
             when not u.readable then 'The checking role has no SELECT or USAGE privilege on this sequence, so its last_value cannot be read.'
             when u.high < u.seqmax or u.low > u.seqmin then
               'The column type, not the sequence, is the limit: plan ALTER TABLE ... ALTER COLUMN ... TYPE bigint (a table rewrite) well before it runs out.'
             else 'Plan a wider type (bigint) or a new range before the sequence runs out: nextval() fails at the limit.' end
         ) as detail
    from u
$$;

comment on function vigil.check_sequence_exhaustion(jsonb) is
  'Sequence exhaustion: the percent of its usable range each sequence has used, the limit being the smaller of the sequence max_value and the maximum of the column type that owns it (pg_depend link: serial, OWNED BY or identity), so a bigint sequence feeding an int4 column stops at 2147483647; descending sequences are measured towards their minimum. Never-used sequences report 0, unreadable ones null. Reads what pg_sequences shows (pg_sequence, pg_class, pg_sequence_last_value), pg_depend, pg_attribute and pg_namespace. Params: include_vigil (default false). Default thresholds: warning 75, critical 90 percent: PgHero sequence_danger alerts at 90 percent of the column type maximum; check_postgres sequence uses 85 and 95; we warn earlier because widening a column rewrites the table.';
