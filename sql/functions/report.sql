-- vigil.report(p_day, p_time_zone, p_now): the morning report of the
-- runbooks, in psql:
--   select * from vigil.report();                    -- today so far (UTC)
--   select * from vigil.report(current_date - 1);    -- all of yesterday
--   select * from vigil.report(p_time_zone => 'Europe/Berlin');
--
-- Shape: rows of (section, item, value, detail), all text, returned in
-- reading order: section by section, the worst or biggest first in each.
-- Four narrow columns read as one aligned table in psql at 8 AM, and each
-- line stays addressable for a test or a script (where section = 'alerts').
-- Every section prints at least one line, so "none" is an answer, not a
-- missing section. The sections:
--   report              the database, the day and the time of the report;
--   alerts              how many fired, resolved, stayed firing; then one
--                       line per alert (check and series) that was firing at
--                       some point of the day, with its time spent firing in
--                       the day (up to the day's end or p_now, whichever
--                       comes first) and its spans, most time first;
--   noisiest checks     the checks that fired most often, up to 5;
--   deliveries          per channel, the notifications created in the day
--                       by current status, and the day's attempts; plus the
--                       backlog waiting now;
--   dead letters        the notifications that went dead in the day, up to
--                       10, and how many dead letters wait for a replay;
--   check errors        the day's check runs by status, then each check that
--                       failed, with its last error;
--   database            its size now, and its growth over the 24 hours
--                       before the report's end, from the samples of the
--                       database_size check (vigil.check_database_size);
--   largest tables      the 10 largest tables and materialized views of
--                       every non-system schema, a partitioned table counted
--                       with all its partitions;
--   slowest statements  the 5 statements of this database with the most
--                       total execution time in pg_stat_statements (since
--                       its last reset, not per day), or why it cannot say.
--
-- The day is [p_day 00:00, p_day + 1 00:00) in p_time_zone (default UTC);
-- p_day defaults to the day p_now falls on. Events after p_now are left out,
-- so a replay with p_now sees the day as it was then (the status of outbox
-- rows is today's). Sizes and pg_stat_statements are read now.
--
-- Privileges: a plain (SECURITY INVOKER) function. What it reads,
-- vigil_reader may select already (sql/grants.sql); it never reads
-- vigil.channels (targets may be secrets). pg_stat_statements shows the
-- caller only its own statements' text unless the caller has
-- pg_read_all_stats; the report says so rather than lending the
-- installer's rights to every reader.
--
-- pg_stat_statements is optional: it is found through pg_extension and read
-- with dynamic SQL (format %I), so the function compiles and runs without it.
create or replace function vigil.report(
  p_day       date default null,
  p_time_zone text default 'UTC',
  p_now       timestamptz default pg_catalog.now()
)
returns table (section text, item text, value text, detail text)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_now      timestamptz := coalesce(p_now, pg_catalog.now());
  v_zone     text;
  v_day      date;
  v_from     timestamptz;
  v_end      timestamptz;
  v_until    timestamptz;
  v_size     bigint := pg_catalog.pg_database_size(pg_catalog.current_database());
  v_end_at   timestamptz;
  v_end_size double precision;
  v_old_at   timestamptz;
  v_old_size double precision;
  v_pss      name;
  v_view     regclass;
  v_total    text := 'total_exec_time';
  v_reset    timestamptz;
  v_queries  text[];
  v_calls    bigint[];
  v_times    double precision[];
  v_all_ms   double precision;
  v_hidden   bigint := 0;
  v_query    text;
begin
  -- The time zone: whatever AT TIME ZONE accepts (IANA names, abbreviations).
  v_zone := pg_catalog.btrim(p_time_zone);
  begin
    perform v_now at time zone v_zone;
  exception when invalid_parameter_value then
    v_zone := null;
  end;
  if v_zone is null or v_zone = '' then
    raise exception 'unknown time zone: %', coalesce(pg_catalog.quote_literal(p_time_zone), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'Give an IANA zone name such as ''UTC'', ''Europe/Berlin'' or ''America/New_York'' (see select name from pg_catalog.pg_timezone_names).';
  end if;

  v_day := coalesce(p_day, (v_now at time zone v_zone)::date);
  v_from := v_day::timestamp at time zone v_zone;
  v_end := (v_day + 1)::timestamp at time zone v_zone;
  if v_from > v_now then
    raise exception 'day % has not begun yet in % (now is %)', pg_catalog.to_char(v_day, 'YYYY-MM-DD'), v_zone,
                    pg_catalog.to_char(v_now at time zone v_zone, 'YYYY-MM-DD HH24:MI')
      using errcode = 'invalid_parameter_value',
            hint = 'Report on today or an earlier day: select * from vigil.report(); or select * from vigil.report(current_date - 1);';
  end if;
  v_until := least(v_end, v_now);

  -- report
  section := 'report';
  item := pg_catalog.current_database()::text;
  value := pg_catalog.to_char(v_day, 'YYYY-MM-DD');
  detail := pg_catalog.format('%s 00:00 to %s 00:00 %s, as of %s%s',
              pg_catalog.to_char(v_day, 'YYYY-MM-DD'), pg_catalog.to_char(v_day + 1, 'YYYY-MM-DD'), v_zone,
              pg_catalog.to_char(v_now at time zone v_zone, 'YYYY-MM-DD HH24:MI'),
              case when v_now < v_end then ' (the day is not over)' else '' end);
  return next;

  -- alerts and noisiest checks: firing spans from vigil.alert_events. A span
  -- starts at a firing event and ends at the alert's next firing or resolved
  -- event (severity changes stay within it); one with no end by p_now is
  -- still firing. The spans that matter: those that start in the day, and
  -- the last span of each alert begun before the day.
  return query
  with fired as (
    select e.id, e.at, e.alert_id, e.check_name, e.series
      from vigil.alert_events e
     where e.event = 'firing' and e.at >= v_from and e.at < v_end and e.at <= v_now
    union all
    select c.id, c.at, c.alert_id, c.check_name, c.series
      from (select distinct on (e.alert_id) e.id, e.at, e.alert_id, e.check_name, e.series, e.event
              from vigil.alert_events e
             where e.event in ('firing', 'resolved') and e.at < v_from
             order by e.alert_id, e.id desc) c
     where c.event = 'firing'
  ), spans as (
    select f.at as fired_at, f.check_name, f.series, n.at as ended_at,
           greatest(f.at, v_from) as span_from,
           least(coalesce(n.at, v_until), v_until) as span_to,
           coalesce(w.worst, 0) as worst
      from fired f
      left join lateral (
        select e.id, e.at
          from vigil.alert_events e
         where e.alert_id = f.alert_id and e.id > f.id and e.event in ('firing', 'resolved') and e.at <= v_now
         order by e.id
         limit 1) n on true
      cross join lateral (
        select pg_catalog.max(case e.severity when 'critical' then 3 when 'warning' then 2 when 'info' then 1 else 0 end) as worst
          from vigil.alert_events e
         where e.alert_id = f.alert_id and e.id >= f.id and (n.id is null or e.id < n.id)
           and e.event in ('firing', 'severity_changed') and e.at <= v_now) w
     where n.at is null or n.at > v_from
  ), labelled as (
    select s.*,
           pg_catalog.date_part('epoch', s.span_to - s.span_from) as secs,
           case when s.fired_at >= v_from then pg_catalog.to_char(s.fired_at at time zone v_zone, 'HH24:MI')
                else pg_catalog.to_char(s.fired_at at time zone v_zone, 'MM-DD HH24:MI') end
           || ' to '
           || case when s.ended_at is null then 'now'
                   when s.ended_at < v_end then pg_catalog.to_char(s.ended_at at time zone v_zone, 'HH24:MI')
                   else pg_catalog.to_char(s.ended_at at time zone v_zone, 'MM-DD HH24:MI') end as span
      from spans s
  ), per_alert as (
    select l.check_name, l.series,
           pg_catalog.count(*) filter (where l.fired_at >= v_from) as firings,
           pg_catalog.sum(l.secs) as secs,
           pg_catalog.max(l.worst) as worst,
           pg_catalog.min(l.fired_at) as first_at,
           pg_catalog.array_agg(l.span order by l.fired_at) as spans
      from labelled l
     group by l.check_name, l.series
  ), ranked as (
    select a.*, pg_catalog.row_number() over (order by a.secs desc, a.first_at, a.check_name, a.series) as rnk
      from per_alert a
  ), totals as (
    select pg_catalog.count(*) filter (where l.fired_at >= v_from) as fired,
           pg_catalog.count(*) filter (where l.ended_at is not null and l.ended_at < v_until) as resolved,
           pg_catalog.count(*) filter (where l.ended_at is null or l.ended_at >= v_until) as open,
           pg_catalog.count(*) filter (where l.fired_at < v_from) as carried
      from labelled l
  ), per_check as (
    select l.check_name,
           pg_catalog.count(*) filter (where l.fired_at >= v_from) as firings,
           pg_catalog.count(distinct l.series) as series,
           pg_catalog.sum(l.secs) as secs,
           pg_catalog.max(l.worst) as worst
      from labelled l
     group by l.check_name
  ), lines as (
    select 1 as ord, 0::bigint as rnk, 'alerts' as section, 'fired' as item, t.fired::text as value,
           case when t.fired = 0 and t.carried = 0 then 'no alert fired or was firing during the day'
                else pg_catalog.format('%s resolved, %s still firing at %s', t.resolved, t.open,
                       case when v_now < v_end then 'report time' else 'the end of the day' end)
                     || case when t.carried > 0 then pg_catalog.format('; %s already firing when the day began', t.carried)
                             else '' end end as detail
      from totals t
    union all
    select 1, r.rnk, 'alerts',
           pg_catalog.left(r.check_name || case when r.series in ('', '*') then '' else ' ' || r.series end, 60),
           pg_catalog.make_interval(secs => pg_catalog.round(r.secs)::double precision)::text,
           (case r.worst when 3 then 'critical' when 2 then 'warning' when 1 then 'info' else 'firing' end)
           || ', ' || case r.firings when 0 then 'fired before the day' when 1 then 'fired once'
                                     else 'fired ' || r.firings || ' times' end
           || ': ' || pg_catalog.array_to_string(r.spans[1:5], ', ')
           || case when pg_catalog.cardinality(r.spans) > 5
                   then pg_catalog.format(' and %s more', pg_catalog.cardinality(r.spans) - 5) else '' end
      from ranked r
     where r.rnk <= 20
    union all
    select 1, 21, 'alerts', pg_catalog.format('%s more', pg_catalog.count(*)), null,
           pg_catalog.format('select * from vigil.alert_events where at >= %L and at < %L order by id;', v_from, v_end)
      from ranked r
     where r.rnk > 20
    having pg_catalog.count(*) > 0
    union all
    select 2, pg_catalog.row_number() over (order by c.firings desc, c.secs desc, c.check_name),
           'noisiest checks', c.check_name,
           c.firings || case when c.firings = 1 then ' firing' else ' firings' end,
           pg_catalog.format('%s series, %s firing in all, worst %s', c.series,
             pg_catalog.make_interval(secs => pg_catalog.round(c.secs)::double precision),
             case c.worst when 3 then 'critical' when 2 then 'warning' when 1 then 'info' else 'unknown' end)
      from per_check c
     where c.firings > 0
    union all
    select 2, 0, 'noisiest checks', 'none', null, 'no check fired during the day'
     where not exists (select from per_check c where c.firings > 0)
  )
  select x.section, x.item, x.value, x.detail
    from lines x
   where x.ord = 1 or x.rnk <= 5
   order by x.ord, x.rnk;

  -- deliveries: per channel, the notifications created in the day by their
  -- current status, and the attempts made in the day.
  return query
  with o as (
    select o.channel,
           pg_catalog.count(*) as n,
           pg_catalog.count(*) filter (where o.status = 'delivered') as delivered,
           pg_catalog.count(*) filter (where o.status = 'dead') as dead,
           pg_catalog.count(*) filter (where o.status in ('pending', 'delivering')) as waiting
      from vigil.outbox o
     where o.created_at >= v_from and o.created_at < v_end and o.created_at <= v_now
     group by o.channel
  ), a as (
    select a.channel,
           pg_catalog.count(*) as n,
           pg_catalog.count(*) filter (where a.outcome <> 'delivered') as failed
      from vigil.delivery_attempts a
     where a.started_at >= v_from and a.started_at < v_end and a.started_at <= v_now
     group by a.channel
  ), lines as (
    select coalesce(o.channel, a.channel) as channel,
           coalesce(o.n, 0) || case when coalesce(o.n, 0) = 1 then ' notification' else ' notifications' end as value,
           pg_catalog.format('delivered %s, dead %s, waiting %s; attempts %s, failed %s',
             coalesce(o.delivered, 0), coalesce(o.dead, 0), coalesce(o.waiting, 0),
             coalesce(a.n, 0), coalesce(a.failed, 0)) as detail
      from o full join a on a.channel = o.channel
  ), backlog as (
    select pg_catalog.count(*) as n, pg_catalog.min(o.created_at) as oldest
      from vigil.outbox o
     where o.status in ('pending', 'delivering') and o.created_at <= v_now
  )
  select 'deliveries', l.channel, l.value, l.detail
    from (select l.*, 1 as ord from lines l
          union all
          select 'none', '0 notifications', 'nothing was sent during the day', 0
           where not exists (select from lines)
          union all
          select 'backlog', b.n || ' waiting',
                 pg_catalog.format('oldest created %s; select * from vigil.delivery_backlog;',
                   pg_catalog.to_char(b.oldest at time zone v_zone, 'YYYY-MM-DD HH24:MI')), 2
            from backlog b
           where b.n > 0) l
   order by l.ord, l.channel;

  -- dead letters: the notifications that went dead in the day (their last
  -- attempt's outcome, or their creation when no attempt is recorded).
  return query
  with dead as (
    select o.id, o.channel, o.attempts, o.last_error,
           coalesce(o.payload -> 'alerts' -> 0 ->> 'summary', o.payload ->> 'summary') as summary,
           coalesce(d.at, o.created_at) as dead_at,
           h.http_status
      from vigil.outbox o
      left join lateral (
        select pg_catalog.max(a.started_at) as at
          from vigil.delivery_attempts a
         where a.outbox_id = o.id and a.outcome = 'dead') d on true
      left join lateral (
        select a.http_status
          from vigil.delivery_attempts a
         where a.outbox_id = o.id
         order by a.started_at desc, a.id desc
         limit 1) h on true
     where o.status = 'dead' and o.created_at <= v_now
  ), today as (
    select d.*, pg_catalog.row_number() over (order by d.dead_at desc, d.id desc) as rnk
      from dead d
     where d.dead_at >= v_from and d.dead_at < v_end and d.dead_at <= v_now
  )
  select 'dead letters', l.item, l.value, l.detail
    from (select t.rnk, pg_catalog.format('#%s %s', t.id, t.channel) as item,
                 t.attempts || case when t.attempts = 1 then ' attempt' else ' attempts' end as value,
                 pg_catalog.format('dead at %s: %s%s',
                   pg_catalog.to_char(t.dead_at at time zone v_zone, 'HH24:MI'),
                   coalesce('HTTP ' || t.http_status || ' ', ''),
                   coalesce(pg_catalog.left(t.last_error, 120), 'no error recorded'))
                 || coalesce('; ' || pg_catalog.left(t.summary, 120), '') as detail
            from today t
           where t.rnk <= 10
          union all
          select 0, 'none', '0', 'no notification went dead during the day'
           where not exists (select from today)
          union all
          select 11, pg_catalog.format('%s more', pg_catalog.count(*)), null, 'select * from vigil.dead_letters;'
            from today t
           where t.rnk > 10
          having pg_catalog.count(*) > 0
          union all
          select 12, 'waiting for replay', pg_catalog.count(*)::text,
                 'all dead letters: select * from vigil.dead_letters; once the cause is fixed: select vigil.replay_dead(<id>);'
            from dead d
          having pg_catalog.count(*) > 0) l
   order by l.rnk;

  -- check errors: the day's runs, then each check that failed.
  return query
  with runs as (
    select r.check_name, r.started_at, r.status, r.error, r.sqlstate
      from vigil.check_runs r
     where r.started_at >= v_from and r.started_at < v_end and r.started_at <= v_now
  ), failing as (
    select r.check_name,
           pg_catalog.count(*) filter (where r.status = 'error') as errors,
           pg_catalog.count(*) filter (where r.status = 'timeout') as timeouts,
           (pg_catalog.array_agg(r.started_at order by r.started_at desc))[1] as last_at,
           (pg_catalog.array_agg(r.sqlstate order by r.started_at desc))[1] as last_sqlstate,
           (pg_catalog.array_agg(r.error order by r.started_at desc))[1] as last_error
      from runs r
     where r.status <> 'ok'
     group by r.check_name
  )
  select 'check errors', l.item, l.value, l.detail
    from (select 0::bigint as rnk, 'runs' as item,
                 pg_catalog.count(*) || ' runs' as value,
                 case when pg_catalog.count(*) = 0
                      then 'no check ran during the day: is vigil.tick() running (pg_cron or the worker)?'
                      else pg_catalog.format('%s ok, %s error, %s timeout, of %s checks',
                             pg_catalog.count(*) filter (where r.status = 'ok'),
                             pg_catalog.count(*) filter (where r.status = 'error'),
                             pg_catalog.count(*) filter (where r.status = 'timeout'),
                             pg_catalog.count(distinct r.check_name)) end as detail
            from runs r
          union all
          select pg_catalog.row_number() over (order by f.errors + f.timeouts desc, f.check_name),
                 f.check_name,
                 pg_catalog.concat_ws(', ',
                   case when f.errors > 0 then f.errors || case when f.errors = 1 then ' error' else ' errors' end end,
                   case when f.timeouts > 0 then f.timeouts || case when f.timeouts = 1 then ' timeout' else ' timeouts' end end),
                 pg_catalog.format('last at %s%s: %s',
                   pg_catalog.to_char(f.last_at at time zone v_zone, 'HH24:MI'),
                   coalesce(' (SQLSTATE ' || f.last_sqlstate || ')', ''),
                   coalesce(pg_catalog.left(f.last_error, 160), 'no message'))
            from failing f) l
   where l.rnk <= 10
   order by l.rnk;

  -- database: size now, and growth over the 24 hours before the report's
  -- end from the samples of vigil.check_database_size. A sample is a
  -- series row with detail.size_bytes (exact), or the per-run aggregate
  -- '*', whose value is in bytes, or in percent of params.capacity_bytes
  -- when the check has one (converted with today's capacity). The end is
  -- the size now when the day is not over, else the sample nearest the
  -- day's end (within 6 hours); the start is the sample nearest 24 hours
  -- before the end, at least an hour and at most 48 hours before it.
  section := 'database';
  item := 'size';
  value := pg_catalog.pg_size_pretty(v_size);
  detail := pg_catalog.format('%s bytes now (pg_database_size)', v_size);
  return next;

  with sz as (
    select s.at,
           case when s.series <> '*' then (s.detail ->> 'size_bytes')::double precision
                when cap.bytes is null then s.value
                when cap.bytes > 0 then s.value * cap.bytes / 100
                else s.value end as bytes,
           s.series <> '*' as exact
      from vigil.checks c
      cross join lateral (
        select case when pg_catalog.jsonb_typeof(c.params -> 'capacity_bytes') = 'number'
                      or (c.params ->> 'capacity_bytes') ~ '^\s*[0-9]+(\.[0-9]+)?([eE][+]?[0-9]+)?\s*$'
                    then (c.params ->> 'capacity_bytes')::double precision end as bytes,
               c.params ? 'capacity_bytes' as given) cap
      join vigil.samples s on s.check_name = c.name
     where c.function_name = 'vigil.check_database_size'
       and s.at >= least(v_end, v_now) - interval '2 days 6 hours' and s.at <= v_now
       and ((s.series = '*' and (cap.bytes is not null or not cap.given))
            or (s.series = pg_catalog.current_database()::text and s.detail ? 'size_bytes'))
  ), done as (
    -- the end: now, while the day is not over; else the sample nearest its end
    select v_now as at, v_size::double precision as bytes
     where v_now < v_end
    union all
    (select z.at, z.bytes
       from sz z
      where v_now >= v_end and z.bytes is not null
        and z.at >= v_end - interval '6 hours' and z.at <= v_end + interval '6 hours'
      order by pg_catalog.abs(pg_catalog.date_part('epoch', z.at - v_end)), z.exact desc
      limit 1)
  )
  select d.at, d.bytes, o.at, o.bytes
    into v_end_at, v_end_size, v_old_at, v_old_size
    from done d
    left join lateral (
      select z.at, z.bytes
        from sz z
       where z.bytes is not null
         and z.at >= d.at - interval '48 hours' and z.at <= d.at - interval '1 hour'
       order by pg_catalog.abs(pg_catalog.date_part('epoch', z.at - (d.at - interval '24 hours'))), z.exact desc
       limit 1) o on true;
  item := 'growth';
  if v_old_at is null then
    value := 'unknown';
    detail := case when v_end_at is null
                   then 'growth: no sample near the end of the day'
                   else 'growth: no earlier sample' end
              || ' (the database_size check records the size every 15 minutes: is it enabled, and is vigil.tick() running?)';
  else
    value := case when v_end_size >= v_old_size then '+' else '' end
             || pg_catalog.pg_size_pretty((v_end_size - v_old_size)::bigint);
    detail := pg_catalog.format('from %s at %s to %s at %s (%s hours)',
                pg_catalog.pg_size_pretty(v_old_size::bigint),
                pg_catalog.to_char(v_old_at at time zone v_zone, 'YYYY-MM-DD HH24:MI'),
                pg_catalog.pg_size_pretty(v_end_size::bigint),
                pg_catalog.to_char(v_end_at at time zone v_zone, 'YYYY-MM-DD HH24:MI'),
                pg_catalog.round((pg_catalog.date_part('epoch', v_end_at - v_old_at) / 3600)::numeric, 1));
  end if;
  return next;

  -- largest tables: tables, partitioned tables (with their partitions) and
  -- materialized views outside the system schemas, by total size.
  return query
  with rel as (
    select case when c.relispartition then pg_catalog.pg_partition_root(c.oid) else c.oid end as root,
           c.oid,
           pg_catalog.pg_table_size(c.oid) as table_bytes,
           pg_catalog.pg_indexes_size(c.oid) as index_bytes,
           greatest(c.reltuples, 0) as rows,
           c.reltuples < 0 and c.relkind <> 'p' as unanalyzed,
           c.relispartition
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'm')
       and n.nspname not in ('pg_catalog', 'information_schema')
       and n.nspname !~ '^pg_(toast|temp_)'
  ), per_root as (
    select r.root,
           pg_catalog.sum(r.table_bytes)::bigint as table_bytes,
           pg_catalog.sum(r.index_bytes)::bigint as index_bytes,
           pg_catalog.sum(r.rows)::bigint as rows,
           pg_catalog.bool_or(r.unanalyzed) as unanalyzed,
           pg_catalog.count(*) filter (where r.relispartition) as partitions
      from rel r
     group by r.root
  ), top as (
    select p.*, p.table_bytes + p.index_bytes as total_bytes,
           pg_catalog.row_number() over (order by p.table_bytes + p.index_bytes desc, p.root) as rnk
      from per_root p
     where p.table_bytes is not null and p.index_bytes is not null
  )
  select 'largest tables',
         pg_catalog.format('%I.%I', n.nspname, c.relname),
         pg_catalog.pg_size_pretty(t.total_bytes),
         pg_catalog.format('data %s, indexes %s, ', pg_catalog.pg_size_pretty(t.table_bytes), pg_catalog.pg_size_pretty(t.index_bytes))
         || case when t.unanalyzed and t.rows = 0 then 'never analyzed'
                 else 'about ' || pg_catalog.to_char(t.rows, 'FM999,999,999,999,990') || ' rows' end
         || case when t.partitions > 0 then pg_catalog.format(', %s partitions', t.partitions) else '' end
         || case when c.relkind = 'm' then ', materialized view' else '' end
    from top t
    join pg_catalog.pg_class c on c.oid = t.root
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where t.rnk <= 10
   order by t.rnk;

  -- slowest statements, from pg_stat_statements when it is installed here.
  section := 'slowest statements';
  select n.nspname into v_pss
    from pg_catalog.pg_extension e
    join pg_catalog.pg_namespace n on n.oid = e.extnamespace
   where e.extname = 'pg_stat_statements';
  if v_pss is null then
    item := 'pg_stat_statements';
    value := 'not installed';
    detail := 'to see the slowest statements: shared_preload_libraries = ''pg_stat_statements'' in postgresql.conf (a restart), then in this database: create extension pg_stat_statements;';
    return next;
    return;
  end if;
  v_view := pg_catalog.to_regclass(pg_catalog.format('%I.pg_stat_statements', v_pss));
  if v_view is null
     or not pg_catalog.has_schema_privilege(v_pss, 'usage')
     or not pg_catalog.has_table_privilege(v_view, 'select') then
    item := 'pg_stat_statements';
    value := 'not readable';
    detail := pg_catalog.format('%s may not read %I.pg_stat_statements: grant usage on schema %I and select on it, or pg_read_all_stats',
                current_user, v_pss, v_pss);
    return next;
    return;
  end if;
  if not exists (select from pg_catalog.pg_attribute a
                  where a.attrelid = v_view and a.attname = 'total_exec_time' and not a.attisdropped) then
    v_total := 'total_time';  -- an extension left at a version before 1.8
  end if;

  begin
    if pg_catalog.to_regclass(pg_catalog.format('%I.pg_stat_statements_info', v_pss)) is not null
       and pg_catalog.has_table_privilege(pg_catalog.format('%I.pg_stat_statements_info', v_pss), 'select') then
      execute pg_catalog.format('select i.stats_reset from %I.pg_stat_statements_info i', v_pss) into v_reset;
    end if;
    execute pg_catalog.format($q$
      with top as (
        select p.query, p.calls::bigint as calls, p.%1$I::double precision as total_ms,
               pg_catalog.sum(p.%1$I) over ()::double precision as all_ms,
               pg_catalog.count(*) filter (where p.queryid is null) over () as hidden
          from %2$I.pg_stat_statements p
         where p.dbid = (select d.oid from pg_catalog.pg_database d where d.datname = pg_catalog.current_database())
         order by p.%1$I desc
         limit 5
      )
      select pg_catalog.array_agg(t.query order by t.total_ms desc),
             pg_catalog.array_agg(t.calls order by t.total_ms desc),
             pg_catalog.array_agg(t.total_ms order by t.total_ms desc),
             pg_catalog.max(t.all_ms),
             coalesce(pg_catalog.max(t.hidden), 0)
        from top t
    $q$, v_total, v_pss)
    into v_queries, v_calls, v_times, v_all_ms, v_hidden;
  exception
    -- installed here but not loaded through shared_preload_libraries
    when object_not_in_prerequisite_state then
      item := 'pg_stat_statements';
      value := 'not loaded';
      detail := 'the extension is installed but not preloaded: shared_preload_libraries = ''pg_stat_statements'' in postgresql.conf, then a restart';
      return next;
      return;
  end;

  item := 'since';
  value := coalesce(pg_catalog.to_char(v_reset at time zone v_zone, 'YYYY-MM-DD HH24:MI'), 'the last reset');
  detail := 'totals since pg_stat_statements was last reset, not for the day only; top 5 by total execution time';
  return next;
  for i in 1 .. coalesce(pg_catalog.cardinality(v_queries), 0) loop
    v_query := pg_catalog.regexp_replace(pg_catalog.btrim(coalesce(v_queries[i], '<no text>')), '\s+', ' ', 'g');
    if pg_catalog.length(v_query) > 80 then
      v_query := pg_catalog.left(v_query, 77) || '...';
    end if;
    item := '#' || i;
    value := case when v_times[i] < 1000 then pg_catalog.to_char(v_times[i], 'FM999,990.0') || ' ms'
                  else pg_catalog.to_char(v_times[i] / 1000, 'FM999,999,999,990.0') || ' s' end;
    detail := pg_catalog.format('%s %s, mean %s ms, %s%% of all: %s',
                v_calls[i], case when v_calls[i] = 1 then 'call' else 'calls' end,
                pg_catalog.to_char(v_times[i] / nullif(v_calls[i], 0), 'FM999,999,990.0'),
                pg_catalog.round((100 * v_times[i] / nullif(v_all_ms, 0))::numeric, 1),
                v_query);
    return next;
  end loop;

  if coalesce(pg_catalog.cardinality(v_queries), 0) = 0 then
    item := 'none';
    value := '0';
    detail := 'pg_stat_statements has no statement of this database yet';
    return next;
  end if;
  if v_hidden > 0 then
    item := 'hidden';
    value := v_hidden || ' statements';
    detail := pg_catalog.format('the text of other roles'' statements is hidden from %s (shown as <insufficient privilege>): grant pg_read_all_stats to %I;',
                current_user, current_user);
    return next;
  end if;
end
$$;

comment on function vigil.report(date, text, timestamptz) is
  'The morning report, for psql: select * from vigil.report(); (today so far, UTC), vigil.report(current_date - 1) for all of yesterday, p_time_zone => ''Europe/Berlin'' for local days. Rows of (section, item, value, detail), all text, in reading order (four narrow columns align in psql, and every line can be selected by section): report (database, day, as of when); alerts (fired, resolved, still firing; then each alert firing during the day with its time spent firing, up to the day''s end or p_now, and its spans, most time first, up to 20); noisiest checks (most firings, up to 5); deliveries (per channel: notifications created in the day by status, attempts and failures; the backlog now); dead letters (those gone dead in the day, up to 10, and how many wait for vigil.replay_dead); check errors (the day''s runs by status, then each failing check with its last error); database (size now, growth over 24 hours from the database_size check''s samples, or "growth: no earlier sample"); largest tables (top 10 of the non-system schemas, partitions counted in their parent); slowest statements (top 5 by total time from pg_stat_statements since its last reset, or a line saying it is not installed and how to enable it; other roles'' query texts are hidden without pg_read_all_stats, and a line says so). The day is [p_day 00:00, p_day + 1 00:00) in p_time_zone; p_day defaults to the day of p_now; events after p_now are left out (replays). A plain SECURITY INVOKER function: vigil_reader may run it. Raises 22023 for an unknown time zone or a day that has not begun.';
