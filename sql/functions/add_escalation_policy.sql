-- vigil.add_escalation_policy(p_name, p_channels, p_delays, p_repeat): an
-- ordered ladder of channels. Step i notifies p_channels[i] p_delays[i]
-- after step i-1 (step 1: after escalation starts, when the alert fires
-- unacknowledged); the ladder runs again p_repeat more times (at most 9).
create or replace function vigil.add_escalation_policy(
  p_name     text,
  p_channels text[],
  p_delays   interval[],
  p_repeat   integer default 0
)
returns vigil.escalation_policies
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin configures escalation only through
-- this validated API.
declare
  v_row     vigil.escalation_policies;
  v_missing text;
begin
  if p_name is null or p_name !~ '^[a-z][a-z0-9_-]{0,62}$' then
    raise exception 'escalation policy name % is not valid', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'Use lower case letters, digits, _ and -, starting with a letter.';
  end if;
  if coalesce(pg_catalog.cardinality(p_channels), 0) = 0
     or pg_catalog.cardinality(p_channels) is distinct from pg_catalog.cardinality(p_delays) then
    raise exception 'escalation policy % needs one delay per channel (% channels, % delays)',
      p_name, coalesce(pg_catalog.cardinality(p_channels), 0), coalesce(pg_catalog.cardinality(p_delays), 0)
      using errcode = 'invalid_parameter_value',
            hint = 'e.g. p_channels => array[''pager'', ''lead''], p_delays => array[''0'', ''15 minutes'']::interval[].';
  end if;
  if exists (select from pg_catalog.unnest(p_delays) d where d is null or d < interval '0') then
    raise exception 'escalation policy % has a null or negative delay', p_name
      using errcode = 'invalid_parameter_value', hint = 'Each delay is >= 0: the time after the previous step.';
  end if;
  select pg_catalog.string_agg(pg_catalog.quote_literal(ch), ', ') into v_missing
    from pg_catalog.unnest(p_channels) ch
   where not exists (select from vigil.channels c where c.name = ch);
  if v_missing is not null then
    raise exception 'escalation policy % names channels that do not exist: %', p_name, v_missing
      using errcode = 'invalid_parameter_value', hint = 'Add them first with vigil.add_channel.';
  end if;
  if p_repeat is null or p_repeat not between 0 and 9 then
    raise exception 'escalation repeat % is not between 0 and 9', coalesce(p_repeat::text, 'NULL')
      using errcode = 'invalid_parameter_value', hint = 'repeat is how many more times the ladder runs: 0 to 9.';
  end if;
  if exists (select from vigil.escalation_policies p where p.name = p_name) then
    raise exception 'escalation policy % already exists', p_name
      using errcode = 'unique_violation', hint = 'Choose another name.';
  end if;
  insert into vigil.escalation_policies (name, repeat) values (p_name, p_repeat) returning * into v_row;
  insert into vigil.escalation_steps (policy, position, delay, channel)
  select p_name, s.position, s.delay, s.channel
    from rows from (pg_catalog.unnest(p_channels), pg_catalog.unnest(p_delays)) with ordinality as s(channel, delay, position);
  return v_row;
end
$$;

comment on function vigil.add_escalation_policy(text, text[], interval[], integer) is
  'Registers an escalation policy: select vigil.add_escalation_policy(''db'', array[''pager'', ''lead'', ''cto''], array[''0'', ''15 minutes'', ''30 minutes'']::interval[], p_repeat => 1). Step i notifies channel i, delay i after the step before; an ack stops it. Raises 22023 on bad input, 23505 for a taken name.';
