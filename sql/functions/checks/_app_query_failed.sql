-- vigil._app_query_failed(p_check, p_label, p_sqlstate, p_message, p_hint):
-- raises the error an application check gives when the query it built from
-- its params fails (a raw "where" that does not parse, a "value" that does
-- not read as the column's type): SQLSTATE 22023, a message naming the check,
-- the table and the original error, and the check's own HINT about which
-- params to look at.
--
-- Why: every template that runs SQL built from params turned the same errors
-- into the same message; this keeps that message in one place. The caller
-- catches the errors (a raise can only happen in the function that caught
-- them) and passes sqlstate and sqlerrm:
--
--   exception
--     when insufficient_privilege then
--       raise;  -- a missing privilege is not a bad param: keep 42501
--     when syntax_error_or_access_rule_violation or data_exception or feature_not_supported then
--       perform vigil._app_query_failed('check_x', v_t.label, sqlstate, sqlerrm, 'Check the raw "where" param ...');
create or replace function vigil._app_query_failed(
  p_check    text,
  p_label    text,
  p_sqlstate text,
  p_message  text,
  p_hint     text
)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  raise exception '% on %: the query built from params failed: % (SQLSTATE %)', p_check, p_label, p_message, p_sqlstate
    using errcode = 'invalid_parameter_value', hint = p_hint;
end
$$;

comment on function vigil._app_query_failed(text, text, text, text, text) is
  'Internal: raises 22023 "<check> on <table>: the query built from params failed: <error> (SQLSTATE <code>)" with the check''s HINT, for an application check whose query built from params failed; the caller catches the error and re-raises 42501 itself.';
