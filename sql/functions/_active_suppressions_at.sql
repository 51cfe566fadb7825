-- vigil._active_suppressions_at(p_at): every maintenance window, silence and
-- known issue that is active at p_at, with when it stops being active. The
-- one definition of "active", shared by vigil._suppression_for (what
-- suppresses one alert) and the view vigil.active_suppressions. It takes the
-- clock as a parameter, so a replay at an earlier time sees what was active
-- then: a suppression ended early (ended_at, expired_at) still counts before
-- it was ended.
-- (Not named vigil._active_suppressions: that is the name of the array type
-- of the view vigil.active_suppressions, and a call with an untyped literal,
-- vigil._active_suppressions('2026-06-01 10:00Z'), would be read as a cast
-- to that type.)
create or replace function vigil._active_suppressions_at(p_at timestamptz)
returns table (kind text, id bigint, matchers jsonb, pattern text, title text, until timestamptz)
language sql
stable
set search_path = ''
as $$
  select a.kind, a.id, a.matchers, a.pattern, a.title, a.until
    from (
      select 'maintenance_window'::text as kind, 1 as rank, w.id, w.matchers, null::text as pattern, w.title,
             least(o.until, w.ended_at) as until
        from vigil.maintenance_windows w
       cross join lateral (
         -- the end of the occurrence that contains p_at, null when none does
         select case w.kind
                  when 'one_off' then case when w.starts_at <= p_at and p_at < w.ends_at then w.ends_at end
                  else vigil._recurrence_until(w.recurrence, p_at)
                end as until) o
       where o.until is not null
         and (w.ended_at is null or p_at < w.ended_at)
      union all
      select 'silence', 2, s.id, s.matchers, null, s.comment, least(s.ends_at, s.expired_at)
        from vigil.silences s
       where s.starts_at <= p_at and p_at < s.ends_at
         and (s.expired_at is null or p_at < s.expired_at)
      union all
      select 'known_issue', 3, k.id, null, k.pattern, k.comment, least(k.expires_at, k.ended_at)
        from vigil.known_issues k
       where p_at < k.expires_at
         and (k.ended_at is null or p_at < k.ended_at)
    ) a
   order by a.rank, a.id
$$;

comment on function vigil._active_suppressions_at(timestamptz) is
  'Internal: every maintenance window (one-off in [starts_at, ends_at), recurring in an occurrence), silence (in [starts_at, ends_at)) and known issue (before expires_at) active at p_at and not ended or expired by then, with until = when it stops being active (for a recurring window, the end of the current occurrence): select * from vigil._active_suppressions_at(pg_catalog.now()). kind is maintenance_window, silence or known_issue; windows and silences have matchers, known issues a pattern; title is a window''s title, or the comment of a silence or known issue.';
