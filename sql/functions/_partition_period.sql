-- vigil._partition_period(p_interval, p_at, p_offset): the period of a
-- partition set p_offset periods after the one that holds p_at (a UTC
-- timestamp without time zone), with the suffix of its partition's name.
-- Days start at midnight, weeks on Monday (ISO, as date_trunc('week')),
-- months on the 1st. Names: <table>_pYYYYMMDD for day and week (the first
-- day), <table>_pYYYYMM for month; they sort in time order.
create or replace function vigil._partition_period(
  p_interval text,
  p_at       timestamp,
  p_offset   integer default 0,
  out range_from timestamp,
  out range_to   timestamp,
  out suffix     text
)
language plpgsql
immutable
set search_path = ''
as $$
begin
  range_from := pg_catalog.date_trunc(p_interval, p_at)
                + pg_catalog.make_interval(days => case p_interval when 'day' then p_offset when 'week' then 7 * p_offset else 0 end,
                                           months => case p_interval when 'month' then p_offset else 0 end);
  range_to := range_from + pg_catalog.make_interval(days => case p_interval when 'day' then 1 when 'week' then 7 else 0 end,
                                                    months => case p_interval when 'month' then 1 else 0 end);
  suffix := pg_catalog.to_char(range_from, case p_interval when 'month' then 'YYYYMM' else 'YYYYMMDD' end);
end
$$;

comment on function vigil._partition_period(text, timestamp, integer) is
  'Internal: the period (range_from inclusive, range_to exclusive, as UTC timestamps) p_offset periods after the one holding p_at, for a day, week (Monday) or month interval, and the suffix of its partition name (YYYYMMDD, or YYYYMM for months).';
