-- vigil.add_known_issue(...): "we know about this, stop telling us": until
-- p_expires_at, the notifications of any alert whose message or detail
-- contains p_pattern (case-insensitive substring) are suppressed (still
-- recorded, and counted on the known issue). For the alert that keeps
-- coming back with the same text from different checks and series, where a
-- label matcher would be the wrong tool. A plain substring, not a regex or
-- a LIKE pattern: what an operator pastes from the alert is what matches.
-- An expiry is required, so a known issue cannot silence an alert forever.
create or replace function vigil.add_known_issue(
  p_pattern    text,
  p_expires_at timestamptz,
  p_comment    text,
  p_created_by text        default session_user,
  p_now        timestamptz default pg_catalog.now()
)
returns vigil.known_issues
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_operator manages known issues only through
-- this validated API and never writes vigil.known_issues directly.
declare
  v_row vigil.known_issues;
begin
  if p_pattern is null or pg_catalog.btrim(p_pattern) = '' then
    raise exception 'a known issue needs a pattern to look for, not %', coalesce(pg_catalog.quote_literal(p_pattern), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'A piece of the alert''s message or detail, matched case-insensitively as a substring, e.g. ''could not resize shared memory segment''.';
  end if;
  if p_comment is null or pg_catalog.btrim(p_comment) = '' then
    raise exception 'a known issue needs a comment, not %', coalesce(pg_catalog.quote_literal(p_comment), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'Say why it is known, e.g. ''fixed in the next release, TICKET-99''.';
  end if;
  if p_created_by is null or pg_catalog.btrim(p_created_by) = '' then
    raise exception 'a known issue needs who created it (p_created_by), not %', coalesce(pg_catalog.quote_literal(p_created_by), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Leave p_created_by out to record session_user.';
  end if;
  if p_expires_at is null or p_expires_at <= coalesce(p_now, pg_catalog.now()) then
    raise exception 'a known issue needs an expiry in the future, not % (now is %)',
      coalesce(p_expires_at::text, 'NULL'), coalesce(p_now, pg_catalog.now())
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. p_expires_at => pg_catalog.now() + interval ''7 days''; end it early with vigil.end_known_issue.';
  end if;

  insert into vigil.known_issues (pattern, expires_at, comment, created_by)
  values (p_pattern, p_expires_at, p_comment, p_created_by)
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.add_known_issue(text, timestamptz, text, text, timestamptz) is
  'Suppresses, until p_expires_at, the notifications of every alert whose message or detail contains p_pattern (case-insensitive substring, not a regex); returns the new row: select vigil.add_known_issue(''pg_stat_statements must be loaded'', pg_catalog.now() + interval ''7 days'', ''extension install planned, OPS-12''). Raises 22023 with a HINT for a blank pattern or comment, or an expiry not after p_now. End it early with vigil.end_known_issue.';
