-- vigil._validate_channel(p_channel): the one place that says what a valid
-- channel is. add_channel and update_channel pass it the row they are about
-- to write; it returns the row unchanged or raises with an SQLSTATE, a
-- message naming the bad value and a HINT. A secret reference is never
-- repeated in a message: only env:NAME is accepted, and what was passed
-- instead may be the secret itself. A target refused as malformed is named
-- by its scheme and host only (the path of a webhook URL is its secret); a
-- valid one never appears.
create or replace function vigil._validate_channel(p_channel vigil.channels)
returns vigil.channels
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_shown text;
begin
  if p_channel.name is null or p_channel.name !~ '^[a-z][a-z0-9_-]{0,62}$' then
    raise exception 'channel name % is not valid', coalesce(pg_catalog.quote_literal(p_channel.name), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Use lower case letters, digits, _ and -, starting with a letter: e.g. ''db-oncall''.';
  end if;
  if p_channel.kind is null or p_channel.kind not in ('slack', 'discord', 'pagerduty', 'webhook', 'alertmanager', 'teams') then
    raise exception 'channel kind % is not known', coalesce(pg_catalog.quote_literal(p_channel.kind), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'One of slack, discord, pagerduty, webhook, alertmanager, teams.';
  end if;
  if p_channel.target is null
     or (p_channel.target !~ '^https?://[^[:space:]]+$' and p_channel.target !~ '^env:[A-Za-z_][A-Za-z0-9_]*$') then
    -- Named by its scheme and host only: the path of a webhook URL is its
    -- secret, and a pasted URL with a stray space or newline is the usual
    -- mistake.
    v_shown := coalesce(pg_catalog.substring(p_channel.target, '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#[:space:]]*'),
                        pg_catalog.substring(p_channel.target, '^[^/?#[:space:]]*'));
    raise exception 'channel target % is neither an http(s) URL nor env:NAME',
      coalesce(pg_catalog.quote_literal(v_shown || case when v_shown <> p_channel.target then '…' else '' end), 'NULL')
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. ''https://hooks.example.com/T000/B000'' or ''env:SLACK_WEBHOOK_URL'' (the worker reads it from its environment). Only the scheme and host are shown, as the rest of a webhook URL is a secret: look for white space or a missing https://.';
  end if;
  if p_channel.secret_ref is not null and p_channel.secret_ref !~ '^env:[A-Za-z_][A-Za-z0-9_]*$' then
    raise exception 'secret reference is not env:NAME'
      using errcode = 'invalid_parameter_value',
            hint = 'Keep secrets out of the database: put the secret in the worker''s environment and pass e.g. ''env:PAGERDUTY_ROUTING_KEY''.';
  end if;
  if p_channel.rate_limit_per_minute is not null and p_channel.rate_limit_per_minute <= 0 then
    raise exception 'rate limit % per minute is not positive', p_channel.rate_limit_per_minute
      using errcode = 'invalid_parameter_value', hint = 'Give a positive number of notifications per minute, or null for none.';
  end if;
  if p_channel.heartbeat_every is not null and p_channel.heartbeat_every <= interval '0' then
    raise exception 'heartbeat interval % is not positive', p_channel.heartbeat_every
      using errcode = 'invalid_parameter_value', hint = 'e.g. ''5 minutes'', or null for no heartbeat.';
  end if;
  return p_channel;
end
$$;

comment on function vigil._validate_channel(vigil.channels) is
  'Internal: validates a channel row for add_channel and update_channel (name, kind, target, secret_ref, rate limit, heartbeat); returns it, or raises 22023 with a hint. Never repeats a secret reference.';
