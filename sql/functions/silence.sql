-- vigil.silence(...): an on-call person says "stop telling me about this
-- until then", as with Alertmanager's amtool silence add. The notifications
-- of the alerts the matchers select are suppressed from p_starts_at to the
-- end (still recorded, and counted on the silence). Returns the silence's
-- id, for vigil.expire_silence.
--
-- As in Alertmanager, a silence needs a comment, and at least one matcher
-- that does not match an empty label: a silence is ad hoc, and one that
-- silences everything is too easy to type and to forget (a maintenance
-- window is the tool for "everything").
create or replace function vigil.silence(
  p_matchers   text[],
  p_ends_at    timestamptz default null,
  p_comment    text        default null,
  p_created_by text        default session_user,
  p_starts_at  timestamptz default pg_catalog.now(),
  p_for        interval    default null
)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_operator silences only through this
-- validated API and never writes vigil.silences directly.
declare
  v_matchers  jsonb;
  v_starts_at timestamptz := coalesce(p_starts_at, pg_catalog.now());
  v_ends_at   timestamptz;
  v_id        bigint;
begin
  v_matchers := vigil._parse_matchers(p_matchers);
  if pg_catalog.jsonb_array_length(v_matchers) = 0 then
    raise exception 'a silence needs at least one matcher'
      using errcode = 'invalid_parameter_value',
            hint = 'Say what to silence, e.g. array[''check=replication_lag'', ''series=replica1'']; to suppress everything, plan a maintenance window (vigil.add_maintenance_window).';
  end if;
  if vigil._labels_match(v_matchers, '{}'::jsonb) then
    raise exception 'the matchers % all match an empty label, so the silence would silence every alert', pg_catalog.array_to_string(p_matchers, ', ')
      using errcode = 'invalid_parameter_value',
            hint = 'At least one matcher must not match the empty string (as in Alertmanager), e.g. add ''service=db''; to suppress everything, plan a maintenance window.';
  end if;
  if p_comment is null or pg_catalog.btrim(p_comment) = '' then
    raise exception 'a silence needs a comment, not %', coalesce(pg_catalog.quote_literal(p_comment), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'Say why, e.g. p_comment => ''replica rebuild, INC-4711''.';
  end if;
  if p_created_by is null or pg_catalog.btrim(p_created_by) = '' then
    raise exception 'a silence needs who created it (p_created_by), not %', coalesce(pg_catalog.quote_literal(p_created_by), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Leave p_created_by out to record session_user.';
  end if;
  if (p_ends_at is null) = (p_for is null) then
    raise exception 'a silence needs either p_ends_at or p_for, %', case when p_ends_at is null then 'got neither' else 'not both' end
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. p_ends_at => ''2026-06-01 18:00+02'', or p_for => ''2 hours''.';
  end if;
  if p_for <= interval '0' then
    raise exception 'a silence must last a positive time, not %', p_for
      using errcode = 'invalid_parameter_value', hint = 'e.g. p_for => ''2 hours''.';
  end if;
  v_ends_at := coalesce(p_ends_at, v_starts_at + p_for);
  if v_ends_at <= v_starts_at then
    raise exception 'silence ends at %, which is not after its start %', v_ends_at, v_starts_at
      using errcode = 'invalid_parameter_value',
            hint = 'p_ends_at must be later than p_starts_at (default now); the end is exclusive.';
  end if;

  insert into vigil.silences (matchers, starts_at, ends_at, created_by, comment)
  values (v_matchers, v_starts_at, v_ends_at, p_created_by, p_comment)
  returning id into v_id;
  return v_id;
end
$$;

comment on function vigil.silence(text[], timestamptz, text, text, timestamptz, interval) is
  'Silences the alerts the matchers select until p_ends_at (or for p_for), from p_starts_at (default now); returns the silence id: select vigil.silence(array[''check=replication_lag'', ''series=replica1''], p_for => ''2 hours'', p_comment => ''replica rebuild, INC-4711''). Matchers are Alertmanager-style (=, !=, =~, !~ on check, service, severity, series and labels); as in Alertmanager at least one is required that does not match an empty label, and a comment is required. Raises 22023 or 2201B (bad regex) with a HINT. End it early with vigil.expire_silence.';
