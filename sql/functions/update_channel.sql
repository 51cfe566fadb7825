-- vigil.update_channel(p_name, ...): changes settings of a channel, e.g. to
-- rotate a leaked webhook URL (p_target) or signing secret (p_secret_ref),
-- or to change its rate limit. A null argument leaves that setting as it
-- is. To empty a setting that may be empty (secret_ref,
-- rate_limit_per_minute, heartbeat_every, comment), name it in p_clear:
--   select vigil.update_channel('pager', p_clear => '{secret_ref}');
-- The result is validated as a whole by vigil._validate_channel, exactly as
-- add_channel validates; nothing is changed unless all of it is valid.
-- The kind cannot change (the receiver speaks another protocol): p_kind is
-- accepted only when it is the channel's kind already; for another kind,
-- add a new channel. Notifications already queued for the channel are
-- delivered with the new settings (the worker reads them when it claims a
-- row); a disabled channel stays disabled (vigil.enable_channel). No error
-- here repeats a secret reference or the channel's target, old or new (a
-- webhook URL is a secret); only a target refused as malformed is quoted,
-- as add_channel quotes it (vigil._validate_channel).
create or replace function vigil.update_channel(
  p_name                  text,
  p_target                text default null,
  p_secret_ref            text default null,
  p_rate_limit_per_minute integer default null,
  p_heartbeat_every       interval default null,
  p_allow_private         boolean default null,
  p_comment               text default null,
  p_kind                  text default null,
  p_clear                 text[] default null
)
returns vigil.channels
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin changes vigil.channels only through
-- this validated API, never by writing the table directly.
declare
  v_row vigil.channels;
  v_bad text;
begin
  select * into v_row from vigil.channels ch where ch.name = p_name for update;
  if not found then
    raise exception 'channel % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found',
            hint = 'See select name, kind, enabled, disabled_reason from vigil.channels order by 1;';
  end if;
  if p_kind is not null and p_kind is distinct from v_row.kind then
    raise exception 'channel % is of kind %: its kind cannot change to %', p_name, v_row.kind, pg_catalog.quote_literal(p_kind)
      using errcode = 'invalid_parameter_value',
            hint = pg_catalog.format('Add a new channel of that kind with vigil.add_channel, add the routes and escalation policies that use %L again with it, then vigil.remove_channel(%L).',
                                     p_name, p_name);
  end if;
  select pg_catalog.string_agg(coalesce(pg_catalog.quote_literal(c), 'NULL'), ', ' order by o) into v_bad
    from pg_catalog.unnest(p_clear) with ordinality as x(c, o)
   where c is null or c not in ('secret_ref', 'rate_limit_per_minute', 'heartbeat_every', 'comment');
  if v_bad is not null then
    raise exception 'p_clear names % that cannot be cleared', v_bad
      using errcode = 'invalid_parameter_value',
            hint = 'p_clear takes secret_ref, rate_limit_per_minute, heartbeat_every and comment; target and allow_private always have a value: pass the new one instead.';
  end if;
  select pg_catalog.string_agg(c, ', ' order by o) into v_bad
    from pg_catalog.unnest(p_clear) with ordinality as x(c, o)
   where (c = 'secret_ref' and p_secret_ref is not null)
      or (c = 'rate_limit_per_minute' and p_rate_limit_per_minute is not null)
      or (c = 'heartbeat_every' and p_heartbeat_every is not null)
      or (c = 'comment' and p_comment is not null);
  if v_bad is not null then
    raise exception 'channel %: % both given and cleared', p_name, v_bad
      using errcode = 'invalid_parameter_value',
            hint = 'Give a setting a new value or name it in p_clear, not both.';
  end if;

  v_row.target := coalesce(p_target, v_row.target);
  v_row.secret_ref := case when 'secret_ref' = any (p_clear) then null else coalesce(p_secret_ref, v_row.secret_ref) end;
  v_row.rate_limit_per_minute := case when 'rate_limit_per_minute' = any (p_clear) then null
                                      else coalesce(p_rate_limit_per_minute, v_row.rate_limit_per_minute) end;
  v_row.heartbeat_every := case when 'heartbeat_every' = any (p_clear) then null else coalesce(p_heartbeat_every, v_row.heartbeat_every) end;
  v_row.allow_private := coalesce(p_allow_private, v_row.allow_private);
  v_row.comment := case when 'comment' = any (p_clear) then null else coalesce(p_comment, v_row.comment) end;
  v_row := vigil._validate_channel(v_row);

  update vigil.channels ch
     set target = v_row.target, secret_ref = v_row.secret_ref, rate_limit_per_minute = v_row.rate_limit_per_minute,
         heartbeat_every = v_row.heartbeat_every, allow_private = v_row.allow_private, comment = v_row.comment
   where ch.name = p_name
  returning * into v_row;
  return v_row;
end
$$;

comment on function vigil.update_channel(text, text, text, integer, interval, boolean, text, text, text[]) is
  'Changes settings of a channel; null leaves a setting unchanged, p_clear empties secret_ref, rate_limit_per_minute, heartbeat_every or comment. Example (rotate a leaked webhook URL kept in the worker''s environment, and its rate limit): select vigil.update_channel(''db-slack'', p_target => ''env:SLACK_WEBHOOK_URL_2'', p_rate_limit_per_minute => 20); select vigil.update_channel(''pager'', p_clear => ''{secret_ref}''). Validated like add_channel; the kind cannot change (add a new channel). Queued notifications go out with the new settings; a disabled channel stays disabled. Raises P0002 for an unknown channel, 22023 on bad input.';
