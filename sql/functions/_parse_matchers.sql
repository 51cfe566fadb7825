-- vigil._parse_matchers(p_matchers): reads label matchers as an operator
-- types them, in Alertmanager's syntax (name=value, name!=value,
-- name=~regex, name!~regex; a value may be double-quoted), and returns the
-- form that is stored and evaluated: a jsonb array of {"name", "op",
-- "value"}. Parsing once, at creation, means a typo or a bad regex is refused
-- when the operator types it, not discovered by the tick at 3 a.m.
-- Whether an empty list is acceptable is the caller's decision (a
-- maintenance window may cover everything, a silence may not).
create or replace function vigil._parse_matchers(p_matchers text[])
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_result  jsonb := '[]'::jsonb;
  v_matcher text;
  v_parts   text[];
  v_value   text;
begin
  if p_matchers is null then
    return v_result;
  end if;
  foreach v_matcher in array p_matchers loop
    v_parts := pg_catalog.regexp_match(v_matcher, '^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)(.*)$');
    if v_parts is null then
      raise exception 'invalid matcher: %', coalesce(pg_catalog.quote_literal(v_matcher), 'NULL')
        using errcode = 'invalid_parameter_value',
              hint = 'A matcher is name=value, name!=value, name=~regex or name!~regex; the name is [a-zA-Z_][a-zA-Z0-9_]* (e.g. check, service, severity, series or a label), the value may be double-quoted: array[''service=db'', ''check=~"vacuum_.*"''].';
    end if;
    v_value := pg_catalog.btrim(v_parts[3], E' \t\r\n');
    if pg_catalog.left(v_value, 1) = '"' then
      -- A quoted value: \" and \\ stand for " and \; any other backslash is
      -- kept, so that a quoted regex such as "\d+" means what it says.
      if pg_catalog.length(v_value) < 2 or pg_catalog.right(v_value, 1) <> '"'
         or pg_catalog.substr(v_value, 2, pg_catalog.length(v_value) - 2) !~ '^([^"\\]|\\.)*$' then
        raise exception 'invalid matcher: % (unbalanced double quotes)', pg_catalog.quote_literal(v_matcher)
          using errcode = 'invalid_parameter_value',
                hint = 'Close the quoted value and write a " inside it as \": e.g. ''summary="disk \"data\" full"''.';
      end if;
      v_value := pg_catalog.regexp_replace(pg_catalog.substr(v_value, 2, pg_catalog.length(v_value) - 2), '\\(["\\])', '\1', 'g');
    end if;
    if v_parts[2] in ('=~', '!~') then
      begin
        perform '' operator(pg_catalog.~) ('^(?:' || v_value || ')$');
      exception when invalid_regular_expression then
        raise exception 'invalid regular expression in matcher %: %', pg_catalog.quote_literal(v_matcher), sqlerrm
          using errcode = 'invalid_regular_expression',
                hint = 'The regex is a PostgreSQL regular expression, anchored at both ends (it must match the whole label value): e.g. ''check=~"vacuum_.*|analyze_.*"''.';
      end;
    end if;
    v_result := v_result || pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('name', v_parts[1], 'op', v_parts[2], 'value', v_value));
  end loop;
  return v_result;
end
$$;

comment on function vigil._parse_matchers(text[]) is
  'Internal: parses Alertmanager-style matchers into the stored jsonb form: select vigil._parse_matchers(array[''service=db'', ''check=~"vacuum_.*"'', ''severity!=info'']) gives [{"name": "service", "op": "=", "value": "db"}, ...]. Ops =, !=, =~, !~ (regexes anchored, PostgreSQL syntax); the value may be double-quoted. Null or empty input gives [] (matches every alert). Raises 22023 for a malformed matcher and 2201B for a bad regex, naming it.';
