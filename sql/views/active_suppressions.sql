-- vigil.active_suppressions: what keeps notifications quiet right now, for
-- the on-call person at psql ("why was I not paged?"). One row per active
-- maintenance window, silence and known issue, with its matchers written
-- back in the syntax they were given in, until when it lasts, who set it and
-- how much it has suppressed. "Active" is vigil._active_suppressions_at at
-- now(); the history is in the tables.
create or replace view vigil.active_suppressions as
select a.kind,
       a.id,
       a.title,
       case when a.matchers is not null then
         '{' || coalesce((select pg_catalog.string_agg(
                                   (m.matcher ->> 'name') || (m.matcher ->> 'op') || '"'
                                   || pg_catalog.replace(pg_catalog.replace(m.matcher ->> 'value', '\', '\\'), '"', '\"') || '"',
                                   ', ' order by m.ord)
                            from pg_catalog.jsonb_array_elements(a.matchers) with ordinality m(matcher, ord)), '') || '}'
       end as matchers,
       a.pattern,
       a.until,
       coalesce(w.created_by, s.created_by, k.created_by) as created_by,
       coalesce(w.suppressed_count, s.suppressed_count, k.suppressed_count) as suppressed_count,
       coalesce(w.last_suppressed_at, s.last_suppressed_at, k.last_suppressed_at) as last_suppressed_at,
       w.reason
  from vigil._active_suppressions_at(pg_catalog.now()) a
  left join vigil.maintenance_windows w on a.kind = 'maintenance_window' and w.id = a.id
  left join vigil.silences s on a.kind = 'silence' and s.id = a.id
  left join vigil.known_issues k on a.kind = 'known_issue' and k.id = a.id
 order by case a.kind when 'maintenance_window' then 1 when 'silence' then 2 else 3 end, a.id;

comment on view vigil.active_suppressions is
  'What suppresses notifications right now: select * from vigil.active_suppressions. kind: maintenance_window, silence or known_issue; title: a window''s title, or the comment of a silence or known issue; matchers: as typed, {} for a window that covers every alert (null for a known issue); pattern: the text a known issue looks for; until: when it stops (for a recurring window, the end of the current occurrence); suppressed_count: notifications it has suppressed so far. History: vigil.maintenance_windows, vigil.silences, vigil.known_issues.';
comment on column vigil.active_suppressions.kind is 'maintenance_window, silence or known_issue.';
comment on column vigil.active_suppressions.title is 'A maintenance window''s title, or the comment of a silence or known issue.';
comment on column vigil.active_suppressions.matchers is 'The label matchers in Alertmanager syntax, e.g. {service="db", check=~"vacuum_.*"}; {} covers every alert; null for a known issue.';
comment on column vigil.active_suppressions.pattern is 'Known issue: the case-insensitive text looked for in the alert''s message and detail.';
comment on column vigil.active_suppressions.until is 'When it stops being active (for a recurring window, the end of the current occurrence).';
comment on column vigil.active_suppressions.reason is 'A maintenance window''s reason (e.g. a change ticket).';
