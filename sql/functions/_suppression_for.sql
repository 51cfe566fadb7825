-- vigil._suppression_for(p_labels, p_text, p_at): what, if anything,
-- suppresses the notification of one alert at p_at. At most one row, so that
-- the notification records one reason and one suppression is counted:
-- a maintenance window first (planned work explains the alert best), then a
-- silence, then a known issue; among several of one kind, the one that
-- lasts longest (its until is when notifications can resume), then the
-- oldest. Set-friendly: the notification step calls it in a lateral join,
-- one row per alert:
--   select n.*, s.kind, s.id from notifications n
--   left join lateral vigil._suppression_for(n.labels, n.text, p_now) s on true;
create or replace function vigil._suppression_for(p_labels jsonb, p_text text, p_at timestamptz)
returns table (kind text, id bigint, title text, until timestamptz)
language sql
stable
set search_path = ''
as $$
  select a.kind, a.id, a.title, a.until
    from vigil._active_suppressions_at(p_at) a
   where case a.kind
           when 'known_issue' then pg_catalog.strpos(pg_catalog.lower(p_text), pg_catalog.lower(a.pattern)) > 0
           else vigil._labels_match(a.matchers, p_labels)
         end
   order by case a.kind when 'maintenance_window' then 1 when 'silence' then 2 else 3 end,
            a.until desc, a.id
   limit 1
$$;

comment on function vigil._suppression_for(jsonb, text, timestamptz) is
  'Internal: the one maintenance window, silence or known issue that suppresses an alert''s notification at p_at, or no row: select * from vigil._suppression_for(''{"check": "replication_lag", "service": "db", "severity": "critical", "series": "replica1"}'', ''lag 40 s on replica1'', pg_catalog.now()). p_labels are the alert''s labels including check, series, service and severity (what matchers see); p_text is its message and detail as text (what known-issue patterns are looked for in, case-insensitively). Windows win over silences, silences over known issues; within a kind the longest-lasting, then the oldest.';
