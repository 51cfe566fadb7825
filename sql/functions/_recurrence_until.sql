-- vigil._recurrence_until(p_recurrence, p_at): the end of the occurrence of
-- a recurring interval that contains p_at, or null when p_at is in none.
-- The one place that decides membership (vigil._in_recurrence asks it), so
-- that "is it active" and "until when" cannot disagree.
--
-- Membership is decided on the wall clock: p_at is converted to local time
-- in the interval's zone, and the local time must be in [start, end) on a
-- listed weekday. That follows daylight saving time the way people read a
-- schedule ("01:00 to 03:00 New York time") and the way Alertmanager's time
-- intervals do it: on a spring-forward day the skipped hour simply does not
-- occur, on a fall-back day the repeated hour is inside twice. An interval
-- whose end is at or before its start runs past midnight: its occurrence
-- starts on a listed weekday (within first_day..last_day) and ends the next
-- day. The end is the local end time converted back, as PostgreSQL converts
-- a local time (for an end time inside a skipped hour that is up to an hour
-- after the clock change that really ends it).
create or replace function vigil._recurrence_until(p_recurrence vigil.recurrence, p_at timestamptz)
returns timestamptz
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case
           -- an occurrence that started today (local), ending today or, past midnight, tomorrow
           when l.t >= r.start_time and (r.end_time > r.start_time and l.t < r.end_time or r.end_time <= r.start_time)
                and extract(isodow from l.d)::smallint = any (r.weekdays)
                and l.d >= coalesce(r.first_day, l.d) and l.d <= coalesce(r.last_day, l.d)
             then ((l.d + (r.end_time <= r.start_time)::integer) + r.end_time) at time zone r.time_zone
           -- an occurrence that started yesterday (local) and runs past midnight
           when r.end_time <= r.start_time and l.t < r.end_time
                and extract(isodow from l.d - 1)::smallint = any (r.weekdays)
                and l.d - 1 >= coalesce(r.first_day, l.d - 1) and l.d - 1 <= coalesce(r.last_day, l.d - 1)
             then (l.d + r.end_time) at time zone r.time_zone
         end
    from (select (p_recurrence).*) r
   cross join lateral (select p_at at time zone r.time_zone as ts) z
   cross join lateral (select z.ts::date as d, z.ts::time as t) l
$$;

comment on function vigil._recurrence_until(vigil.recurrence, timestamptz) is
  'Internal: the end of the occurrence of the recurring interval that contains p_at, or null when p_at is in none: select vigil._recurrence_until((''{1,2,3,4,5}'', ''01:00'', ''03:00'', ''America/New_York'', null, null)::vigil.recurrence, ''2026-03-09 06:30+00''). Wall-clock semantics across DST; an end at or before the start runs past midnight.';
