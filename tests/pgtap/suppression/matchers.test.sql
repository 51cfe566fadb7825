-- Label matchers, as Alertmanager has them: vigil._parse_matchers reads
-- name=value, name!=value, name=~regex and name!~regex (value optionally
-- double-quoted) into the stored jsonb form and refuses a malformed matcher
-- (22023) or a bad regex (2201B), naming it; vigil._labels_match needs every
-- matcher to match, takes a missing label as the empty string, and anchors
-- regexes at both ends.
begin;
select tap.plan(33);

-- The HINT of the error a statement raises, or null.
\ir ../hint_of.sql

-- Parsing.
select tap.is(
  vigil._parse_matchers(array['service=db', 'check!=replication_lag', 'series=~"pg_.*"', 'severity!~info|warning']),
  '[{"name": "service", "op": "=", "value": "db"},
    {"name": "check", "op": "!=", "value": "replication_lag"},
    {"name": "series", "op": "=~", "value": "pg_.*"},
    {"name": "severity", "op": "!~", "value": "info|warning"}]'::jsonb,
  'the four operators parse, in order; quotes around a value are removed');
select tap.is(vigil._parse_matchers(array[' team = "db ops" ']),
  '[{"name": "team", "op": "=", "value": "db ops"}]'::jsonb,
  'spaces around the name and operator are ignored; a quoted value keeps its inner spaces');
select tap.is(vigil._parse_matchers(array['msg="say \"hi\" \\ now"']),
  pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('name', 'msg', 'op', '=', 'value', 'say "hi" \ now')),
  'in a quoted value \" is a double quote and \\ a backslash');
select tap.is(vigil._parse_matchers(array['n=~"\d+"']) -> 0 ->> 'value', '\d+',
  'any other backslash in a quoted regex is kept');
select tap.is(vigil._parse_matchers(array['team=', 'owner=""']),
  '[{"name": "team", "op": "=", "value": ""}, {"name": "owner", "op": "=", "value": ""}]'::jsonb,
  'an empty value, bare or quoted, is allowed (it matches a missing label)');
select tap.is(vigil._parse_matchers(array['a==b']) -> 0 ->> 'value', '=b', 'a==b is a = matcher for the value =b');
select tap.is(vigil._parse_matchers(null), '[]'::jsonb, 'null gives no matchers');
select tap.is(vigil._parse_matchers('{}'), '[]'::jsonb, 'an empty array gives no matchers');

select tap.throws_ok($$select vigil._parse_matchers(array['service'])$$,
  '22023', 'invalid matcher: ''service''', 'a matcher without an operator is refused, naming it');
select tap.throws_ok($$select vigil._parse_matchers(array['service=db', '1team=db'])$$,
  '22023', 'invalid matcher: ''1team=db''', 'a name that starts with a digit is refused');
select tap.throws_ok($$select vigil._parse_matchers(array['team-name=db'])$$,
  '22023', 'invalid matcher: ''team-name=db''', 'a name with a dash is refused');
select tap.throws_ok($$select vigil._parse_matchers(array['=db'])$$,
  '22023', 'invalid matcher: ''=db''', 'a matcher without a name is refused');
select tap.throws_ok($$select vigil._parse_matchers(array['service=db', null])$$,
  '22023', 'invalid matcher: NULL', 'a null matcher is refused');
select tap.throws_ok($$select vigil._parse_matchers(array['team="db'])$$,
  '22023', 'invalid matcher: ''team="db'' (unbalanced double quotes)', 'an unclosed quote is refused');
select tap.throws_ok($$select vigil._parse_matchers(array['team="a"b"'])$$,
  '22023', 'invalid matcher: ''team="a"b"'' (unbalanced double quotes)', 'an unescaped quote inside a quoted value is refused');
select tap.throws_ok($$select vigil._parse_matchers(array['check=~vacuum_(.*'])$$,
  '2201B', null, 'a bad regex is refused with invalid_regular_expression');
select tap.throws_like($$select vigil._parse_matchers(array['check!~"a{2,1}"'])$$,
  'invalid regular expression in matcher ''check!~"a{2,1}"''%', '... and the message names the matcher');
select tap.is(
  (select pg_catalog.count(*)::int from pg_catalog.unnest(array['x', 'a=~(', 'a="']) m
    where pg_temp.hint_of(pg_catalog.format('select vigil._parse_matchers(array[%L])', m)) is not null),
  3, 'every refused matcher comes with a HINT');

-- Evaluation.
select tap.ok(vigil._labels_match(vigil._parse_matchers(array['service=db']), '{"service": "db", "check": "x"}'),
  '= matches the equal value');
select tap.ok(not vigil._labels_match(vigil._parse_matchers(array['service=db']), '{"service": "dbx"}'),
  '= does not match another value');
select tap.ok(vigil._labels_match(vigil._parse_matchers(array['service!=db']), '{"service": "api"}'),
  '!= matches another value');
select tap.ok(not vigil._labels_match(vigil._parse_matchers(array['service!=db']), '{"service": "db"}'),
  '!= does not match the equal value');
select tap.ok(vigil._labels_match(vigil._parse_matchers(array['check=~vacuum_.*|analyze_.*']), '{"check": "analyze_staleness"}'),
  '=~ matches a value the regex matches');
select tap.ok(not vigil._labels_match(vigil._parse_matchers(array['check=~vacuum']), '{"check": "autovacuum_stale"}'),
  '=~ is anchored at both ends: vacuum does not match autovacuum_stale');
select tap.ok(not vigil._labels_match(vigil._parse_matchers(array['check=~a|b']), '{"check": "xb"}'),
  '=~ anchors the whole alternation (^(?:a|b)$), not just its first branch');
select tap.ok(vigil._labels_match(vigil._parse_matchers(array['check!~vacuum']), '{"check": "autovacuum_stale"}'),
  '!~ matches a value the anchored regex does not match');
select tap.ok(not vigil._labels_match(vigil._parse_matchers(array['check!~.*vacuum.*']), '{"check": "autovacuum_stale"}'),
  '!~ does not match a value the regex matches');
select tap.ok(vigil._labels_match(vigil._parse_matchers(array['team!=db']), '{"service": "api"}'),
  'a missing label is the empty string: != matches it');
select tap.ok(vigil._labels_match(vigil._parse_matchers(array['team=""']), '{"service": "api"}')
              and not vigil._labels_match(vigil._parse_matchers(array['team=""']), '{"team": "db"}'),
  'team="" matches only an alert without a team');
select tap.ok(not vigil._labels_match(vigil._parse_matchers(array['team=~.+']), '{"service": "api"}'),
  'a missing label does not match =~.+');
select tap.ok(not vigil._labels_match(vigil._parse_matchers(array['service=db', 'severity=critical']), '{"service": "db", "severity": "warning"}'),
  'every matcher must match');
select tap.ok(vigil._labels_match('[]', '{"service": "db"}') and vigil._labels_match(null, '{}'),
  'no matchers match everything');
select tap.ok(not vigil._labels_match('[{"name": "a", "op": "~~", "value": "x"}]', '{"a": "x"}'),
  'an unknown operator in stored matchers never matches');

select * from tap.finish();
rollback;
