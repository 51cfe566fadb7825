-- vigil._in_recurrence(p_recurrence, p_at): is p_at inside an occurrence of
-- the recurring interval? Maintenance windows ask it now, checks' active
-- hours will ask it later. The rules (wall clock, DST, past midnight, date
-- range) live in vigil._recurrence_until, so that this answer and the "until"
-- shown for the occurrence always agree.
create or replace function vigil._in_recurrence(p_recurrence vigil.recurrence, p_at timestamptz)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select vigil._recurrence_until(p_recurrence, p_at) is not null
$$;

comment on function vigil._in_recurrence(vigil.recurrence, timestamptz) is
  'Internal: true when p_at is inside an occurrence of the recurring interval (start inclusive, end exclusive, local wall-clock time of its zone): select vigil._in_recurrence((''{6,7}'', ''22:00'', ''02:00'', ''Europe/Berlin'', null, null)::vigil.recurrence, pg_catalog.now()). An end at or before the start runs past midnight into the next day.';
