-- vigil._labels_match(p_matchers, p_labels): does an alert with these labels
-- fall under these matchers? The one place that says how a matcher is
-- evaluated, so that maintenance windows, silences and (later) routes agree.
-- Alertmanager's rules: every matcher must match; a label the alert does not
-- have is the empty string (so 'team!=db' matches an alert without a team,
-- and 'team=""' matches only such an alert); a regex must match the whole
-- value.
create or replace function vigil._labels_match(p_matchers jsonb, p_labels jsonb)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select not exists (
    select
      from pg_catalog.jsonb_array_elements(coalesce(p_matchers, '[]'::jsonb)) m(matcher)
      cross join lateral (select coalesce(p_labels ->> (m.matcher ->> 'name'), '') as actual,
                                 m.matcher ->> 'value' as wanted) v
     where not coalesce(case m.matcher ->> 'op'
                          when '='  then v.actual = v.wanted
                          when '!=' then v.actual <> v.wanted
                          when '=~' then v.actual ~ ('^(?:' || v.wanted || ')$')
                          when '!~' then v.actual !~ ('^(?:' || v.wanted || ')$')
                        end, false))
$$;

comment on function vigil._labels_match(jsonb, jsonb) is
  'Internal: true when every matcher (as stored by vigil._parse_matchers) matches the labels: select vigil._labels_match(vigil._parse_matchers(array[''service=db'', ''check=~"vacuum_.*"'']), ''{"service": "db", "check": "vacuum_stale"}''). A missing label counts as the empty string; regexes are anchored (^(?:re)$); no matchers match everything.';
