-- vigil.check_table_bloat: estimated wasted space per table.
--
-- Why: dead rows that VACUUM has removed leave free space in the table's
-- pages; PostgreSQL reuses it for new rows but does not give it back to the
-- operating system. After a mass DELETE or UPDATE, or a period when vacuum
-- could not keep up, a table can stay several times larger than its live data
-- needs: sequential scans read the empty pages, and the cache holds less live
-- data. Getting the space back takes VACUUM FULL (exclusive lock), CLUSTER, or
-- an online rewrite with pg_repack / pg_squeeze, so this is a planning
-- signal, checked daily at info level, not an emergency.
--
-- This is an ESTIMATE, not a measurement (pgstattuple measures, but reads the
-- whole table). It is the well-known estimate by Jehan-Guillaume (ioguix) de
-- Rorthais, pgsql-bloat-estimation table/table_bloat.sql (also shipped by
-- postgres_dba); pgexperts' pgx_scripts table_bloat_check.sql and
-- check_postgres bloat use older formulas of the same kind, and pgexperts
-- warns that its estimate "is often off by +/- 20%". From pg_stats (average width
-- and null fraction of each column) it computes the size of an average row
-- with its header and alignment, then how many pages reltuples such rows
-- would fill at the table's fillfactor, and compares that with relpages (heap
-- plus TOAST). The value is the wasted PERCENT of the table: 100 * (relpages -
-- expected pages) / relpages. It is only as good as the last ANALYZE, and it
-- is skipped for tables whose statistics are incomplete (never analyzed,
-- columns without statistics, columns the checking role may not read, or
-- columns of type name, whose width pg_stats misreports), because missing
-- widths would inflate the estimate.
--
-- Defaults: warning 50, critical 80 percent. The estimate is commonly off by
-- 10 to 20 points, so lower thresholds alert on noise; half the table wasted
-- is worth planning a rewrite, 80 percent means the table is five times its
-- needed size. pgexperts' table_bloat_check.sql lists tables at 50 percent
-- bloat (and at least 10 MB of it); check_postgres bloat defaults are
-- absolute sizes (warning 1 GB, critical 5 GB), which min_bytes stands for
-- here.
--
-- Params: min_bytes (default 10 MB) leaves out smaller tables, whose bloat
-- costs nothing and whose estimate is least reliable; include_vigil (default
-- false) includes pgvigil's own tables.
create or replace function vigil.check_table_bloat(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with p as (
    select coalesce((p_params->>'min_bytes')::bigint, 10485760) as min_bytes,
           coalesce((p_params->>'include_vigil')::boolean, false) as include_vigil,
           pg_catalog.current_setting('block_size')::numeric as bs,
           -- MAXALIGN, as the estimate has always guessed it from version().
           case when pg_catalog.version() ~ 'mingw32|64-bit|x86_64|ppc64|ia64|amd64|aarch64|arm64|s390x'
                then 8 else 4 end as ma
  ), tbl as (
    -- Candidates: big enough by relpages (heap + TOAST), analyzed at least once.
    select c.oid, n.nspname, c.relname, c.reltuples,
           c.relpages as heap_pages,
           coalesce(tc.relpages, 0) as toast_pages,
           greatest(coalesce(tc.reltuples, 0), 0) as toast_tuples,
           coalesce(pg_catalog.substring(pg_catalog.array_to_string(c.reloptions, ' '), '(?:^| )fillfactor=([0-9]+)')::integer, 100) as fillfactor
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      left join pg_catalog.pg_class tc on tc.oid = c.reltoastrelid
     cross join p
     where c.relkind in ('r', 'm')
       and c.reltuples >= 0
       and (c.relpages + coalesce(tc.relpages, 0)) * p.bs >= p.min_bytes
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname !~ '^pg_(toast_)?temp_'
       and (n.nspname <> 'vigil' or p.include_vigil)
  ), cols as (
    -- Average row data width and null bitmap from pg_stats, one row per table.
    select tbl.oid,
           23 + case when pg_catalog.max(coalesce(s.null_frac, 0)) > 0 then (7 + pg_catalog.count(*)) / 8 else 0 end as tpl_hdr_size,
           pg_catalog.sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 0)) as tpl_data_size,
           pg_catalog.bool_or(a.atttypid = 'pg_catalog.name'::pg_catalog.regtype)
             or pg_catalog.count(*) <> pg_catalog.count(s.attname) as incomplete
      from tbl
      join pg_catalog.pg_attribute a on a.attrelid = tbl.oid and a.attnum > 0 and not a.attisdropped
      left join pg_catalog.pg_stats s
        on s.schemaname = tbl.nspname and s.tablename = tbl.relname and s.attname = a.attname and not s.inherited
     group by tbl.oid
  ), sized as (
    select tbl.*, p.bs, cols.incomplete,
           -- Tuple size: item pointer (4) + header + data, each MAXALIGNed.
           4 + cols.tpl_hdr_size + cols.tpl_data_size + 2 * p.ma
             - case when cols.tpl_hdr_size % p.ma = 0 then p.ma else cols.tpl_hdr_size % p.ma end
             - case when pg_catalog.ceil(cols.tpl_data_size)::integer % p.ma = 0 then p.ma
                    else pg_catalog.ceil(cols.tpl_data_size)::integer % p.ma end as tpl_size,
           24 as page_hdr
      from tbl
      join cols on cols.oid = tbl.oid
     cross join p
  ), est as (
    select sized.*,
           sized.heap_pages + sized.toast_pages as tbl_pages,
           pg_catalog.ceil(sized.reltuples / ((sized.bs - sized.page_hdr) * sized.fillfactor / (sized.tpl_size * 100)))
             + pg_catalog.ceil(sized.toast_tuples / 4) as est_pages
      from sized
     where not sized.incomplete
  )
  select pg_catalog.format('%I.%I', e.nspname, e.relname) as series,
         case when e.tbl_pages > e.est_pages then 100 * (e.tbl_pages - e.est_pages) / e.tbl_pages else 0 end::double precision as value,
         pg_catalog.jsonb_build_object('table', pg_catalog.format('%I.%I', e.nspname, e.relname)) as labels,
         pg_catalog.jsonb_build_object(
           'wasted_bytes', (greatest(e.tbl_pages - e.est_pages, 0) * e.bs)::bigint,
           'table_bytes', (e.tbl_pages * e.bs)::bigint,
           'reltuples', e.reltuples::bigint,
           'fillfactor', e.fillfactor,
           'estimate', 'ioguix pgsql-bloat-estimation table_bloat.sql, from pg_stats and relpages as of the last ANALYZE',
           'hint', 'An estimate: confirm with pgstattuple_approx(). Space comes back with VACUUM FULL or CLUSTER (exclusive lock) or online with pg_repack / pg_squeeze.'
         ) as detail
    from est e
$$;

comment on function vigil.check_table_bloat(jsonb) is
  'Estimated wasted space per table, as a percent of its size (heap + TOAST): the ioguix pgsql-bloat-estimation table_bloat.sql estimate (as in postgres_dba; pgexperts pgx_scripts and check_postgres bloat use older formulas of the same kind), expected pages from pg_stats average widths, null fractions, fillfactor and reltuples, compared with relpages. An estimate as of the last ANALYZE, skipped for tables with incomplete statistics. Reads pg_class, pg_namespace, pg_attribute and pg_stats. Params: min_bytes (default 10 MB), include_vigil (default false). Default thresholds: warning 50, critical 80 percent, run daily at info level; pgexperts table_bloat_check.sql lists tables from 50 percent (and 10 MB wasted), check_postgres bloat uses absolute sizes (1 GB / 5 GB).';
