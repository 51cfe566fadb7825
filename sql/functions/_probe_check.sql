-- vigil._probe_check(p_check): runs a check's function once, at
-- registration, so that bad params (a table that does not exist, a column
-- misspelt, an interval that is not one, SQL that does not parse) are refused
-- by add_check and update_check instead of surfacing later as failed runs.
-- Only "bad input" errors are refused; any other error (a replica that is
-- down, a lock) is a passing condition, not bad input, and is ignored here.
create or replace function vigil._probe_check(p_check vigil.checks)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_schema   name;
  v_function name;
  v_message  text;
  v_state    text;
  v_hint     text;
  v_old_lock text := pg_catalog.current_setting('lock_timeout');
begin
  select n.nspname, p.proname into v_schema, v_function
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where p.oid = pg_catalog.to_regprocedure(p_check.function_name || '(jsonb)');
  begin
    perform pg_catalog.set_config('lock_timeout',
      ((pg_catalog.date_part('epoch', p_check.lock_timeout) * 1000)::bigint)::text, true);
    execute pg_catalog.format('select pg_catalog.count(*) from %I.%I($1)', v_schema, v_function)
      using p_check.params || pg_catalog.jsonb_build_object('_check', p_check.name, '_now', pg_catalog.now());
  exception
    when invalid_parameter_value or undefined_table or undefined_column or undefined_function
      or syntax_error or datatype_mismatch or invalid_text_representation or invalid_datetime_format
      or undefined_object or ambiguous_column or wrong_object_type then
      get stacked diagnostics v_message = message_text, v_state = returned_sqlstate, v_hint = pg_exception_hint;
      perform pg_catalog.set_config('lock_timeout', v_old_lock, true);
      raise exception 'check %: % rejects these params: %', p_check.name, p_check.function_name, v_message
        using errcode = v_state,
              hint = coalesce(nullif(v_hint, ''), 'Fix the params; the check function ran once to try them and nothing was written.');
    when others then
      null;  -- not bad input: the condition may pass
  end;
  perform pg_catalog.set_config('lock_timeout', v_old_lock, true);
end
$$;

comment on function vigil._probe_check(vigil.checks) is
  'Internal: runs a check function once at registration; re-raises bad-input errors (22023, 42P01, 42703, 42601, ...) as a refusal of add_check/update_check, ignores other errors.';
