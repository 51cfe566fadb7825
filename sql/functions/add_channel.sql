-- vigil.add_channel(...): registers where notifications go. The target is a
-- URL or env:NAME; secrets (a signing key, a PagerDuty routing key) are only
-- ever referenced as env:NAME, so that they stay out of the database and
-- out of every log. Nothing is written unless all of the input is valid.
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
  if p_name is null or p_name !~ '^[a-z][a-z0-9_-]{0,62}$' then
    raise exception 'channel name % is not valid', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Use lower case letters, digits, _ and -, starting with a letter: e.g. ''db-oncall''.';
  end if;
  if p_kind is null or p_kind not in ('slack', 'discord', 'pagerduty', 'webhook', 'alertmanager', 'teams') then
    raise exception 'channel kind % is not known', coalesce(pg_catalog.quote_literal(p_kind), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'One of slack, discord, pagerduty, webhook, alertmanager, teams.';
  end if;
  if p_target is null or (p_target !~ '^https?://[^[:space:]]+$' and p_target !~ '^env:[A-Za-z_][A-Za-z0-9_]*$') then
    raise exception 'channel target % is neither an http(s) URL nor env:NAME',
      coalesce(pg_catalog.quote_literal(pg_catalog.left(p_target, 60)), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. ''https://hooks.example.com/T000/B000'' or ''env:SLACK_WEBHOOK_URL'' (the worker reads it from its environment).';
  end if;
  if p_secret_ref is not null and p_secret_ref !~ '^env:[A-Za-z_][A-Za-z0-9_]*$' then
    raise exception 'secret reference is not env:NAME'
      using errcode = 'invalid_parameter_value',
            hint = 'Keep secrets out of the database: put the secret in the worker''s environment and pass e.g. ''env:PAGERDUTY_ROUTING_KEY''.';
  end if;
  if p_rate_limit_per_minute is not null and p_rate_limit_per_minute <= 0 then
    raise exception 'rate limit % per minute is not positive', p_rate_limit_per_minute
      using errcode = 'invalid_parameter_value', hint = 'Give a positive number of notifications per minute, or null for none.';
  end if;
  if p_heartbeat_every is not null and p_heartbeat_every <= interval '0' then
    raise exception 'heartbeat interval % is not positive', p_heartbeat_every
      using errcode = 'invalid_parameter_value', hint = 'e.g. ''5 minutes'', or null for no heartbeat.';
  end if;
  if exists (select from vigil.channels c where c.name = p_name) then
    raise exception 'channel % already exists', p_name
      using errcode = 'unique_violation', hint = 'Choose another name.';
  end if;
  insert into vigil.channels (name, kind, target, secret_ref, rate_limit_per_minute, heartbeat_every, allow_private, comment)
  values (p_name, p_kind, p_target, p_secret_ref, p_rate_limit_per_minute, p_heartbeat_every, coalesce(p_allow_private, false), p_comment)
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.add_channel(text, text, text, text, integer, interval, boolean, text) is
  'Registers a notification channel: select vigil.add_channel(''db-slack'', ''slack'', ''env:SLACK_WEBHOOK_URL''). kind: slack, discord, pagerduty, webhook, alertmanager or teams; target: an http(s) URL or env:NAME; secrets only as env:NAME; p_heartbeat_every sends a watchdog notification that often. Raises 22023 on bad input, 23505 for a taken name.';
