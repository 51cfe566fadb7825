-- vigil.add_channel(...): registers where notifications go. The target is a
-- URL or env:NAME; secrets (a signing key, a PagerDuty routing key) are only
-- ever referenced as env:NAME, so that they stay out of the database and
-- out of every log. Nothing is written unless all of the input is valid
-- (vigil._validate_channel, which update_channel uses too).
create or replace function vigil.add_channel(
  p_name            text,
  p_kind            text,
  p_target          text,
  p_secret_ref      text default null,
  p_rate_limit_per_minute integer default null,
  p_heartbeat_every interval default null,
  p_allow_private   boolean default false,
  p_comment         text default null
)
returns vigil.channels
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin configures channels only through this
-- validated API, never by writing vigil.channels directly.
declare
  v_row vigil.channels;
begin
  -- The checks are vigil._validate_channel's, shared with update_channel.
  v_row.name := p_name;
  v_row.kind := p_kind;
  v_row.target := p_target;
  v_row.secret_ref := p_secret_ref;
  v_row.rate_limit_per_minute := p_rate_limit_per_minute;
  v_row.heartbeat_every := p_heartbeat_every;
  v_row.allow_private := coalesce(p_allow_private, false);
  v_row.comment := p_comment;
  v_row := vigil._validate_channel(v_row);
  if exists (select from vigil.channels c where c.name = p_name) then
    raise exception 'channel % already exists', p_name
      using errcode = 'unique_violation', hint = 'Choose another name.';
  end if;
  insert into vigil.channels (name, kind, target, secret_ref, rate_limit_per_minute, heartbeat_every, allow_private, comment)
  values (v_row.name, v_row.kind, v_row.target, v_row.secret_ref, v_row.rate_limit_per_minute, v_row.heartbeat_every,
          v_row.allow_private, v_row.comment)
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.add_channel(text, text, text, text, integer, interval, boolean, text) is
  'Registers a notification channel: select vigil.add_channel(''db-slack'', ''slack'', ''env:SLACK_WEBHOOK_URL''). kind: slack, discord, pagerduty, webhook, alertmanager or teams; target: an http(s) URL or env:NAME; secrets only as env:NAME; p_heartbeat_every sends a watchdog notification that often. Raises 22023 on bad input, 23505 for a taken name.';
