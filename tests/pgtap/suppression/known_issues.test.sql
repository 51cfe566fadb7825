-- Known issues: vigil.add_known_issue suppresses, until an expiry in the
-- future, every alert whose message or detail text contains the pattern,
-- case-insensitively, as a plain substring (not a regex, not LIKE). A blank
-- pattern or comment is refused. It expires by itself at expires_at, or
-- earlier by vigil.end_known_issue (unknown id P0002, already over 55000).
begin;
select tap.plan(20);
set local timezone = 'UTC';

-- The HINT of the error a statement raises, or null.
\ir ../hint_of.sql

select tap.throws_ok($$select vigil.add_known_issue(' ', '2026-06-08 00:00Z', 'why', p_now => '2026-06-01 00:00Z')$$,
  '22023', 'a known issue needs a pattern to look for, not '' ''', 'a blank pattern is refused');
select tap.throws_ok($$select vigil.add_known_issue('disk full', '2026-06-08 00:00Z', '', p_now => '2026-06-01 00:00Z')$$,
  '22023', 'a known issue needs a comment, not ''''', 'a blank comment is refused');
select tap.throws_ok($$select vigil.add_known_issue('disk full', '2026-06-01 00:00Z', 'why', p_now => '2026-06-01 00:00Z')$$,
  '22023', 'a known issue needs an expiry in the future, not 2026-06-01 00:00:00+00 (now is 2026-06-01 00:00:00+00)',
  'an expiry that is not after p_now is refused, naming it');
select tap.throws_ok($$select vigil.add_known_issue('disk full', null, 'why', p_now => '2026-06-01 00:00Z')$$,
  '22023', 'a known issue needs an expiry in the future, not NULL (now is 2026-06-01 00:00:00+00)', 'a missing expiry is refused');
select tap.is(
  (select pg_catalog.count(*)::int from pg_catalog.unnest(array[
     $q$select vigil.add_known_issue('', '2026-06-08 00:00Z', 'why', p_now => '2026-06-01 00:00Z')$q$,
     $q$select vigil.add_known_issue('x', '2026-06-08 00:00Z', null, p_now => '2026-06-01 00:00Z')$q$,
     $q$select vigil.add_known_issue('x', '2026-06-08 00:00Z', 'why', null, p_now => '2026-06-01 00:00Z')$q$,
     $q$select vigil.add_known_issue('x', '2026-05-08 00:00Z', 'why', p_now => '2026-06-01 00:00Z')$q$,
     $q$select vigil.end_known_issue(999999999)$q$]) s
    where pg_temp.hint_of(s) is not null),
  5, 'every refusal comes with a HINT');
select tap.is((select pg_catalog.count(*)::int from vigil.known_issues), 0, 'nothing was written by the refused calls');

select tap.results_eq(
  $$select k.pattern, k.expires_at, k.comment, k.created_by, k.ended_at, k.suppressed_count
      from vigil.add_known_issue('Could not resize SHARED memory', '2026-06-08 00:00Z', 'kernel fix planned, OPS-12',
                                 p_now => '2026-06-01 00:00Z') k$$,
  $$values ('Could not resize SHARED memory', '2026-06-08 00:00Z'::timestamptz, 'kernel fix planned, OPS-12', session_user::text collate "default",
            null::timestamptz, 0::bigint)$$,
  'add_known_issue returns the stored row; created_by defaults to session_user');

select tap.results_eq(
  $$select kind, title, until from vigil._suppression_for('{"check": "x"}', 'ERROR: could not resize shared memory segment "/PostgreSQL.1" to 1 bytes', '2026-06-02 00:00Z')$$,
  $$values ('known_issue', 'kernel fix planned, OPS-12', '2026-06-08 00:00Z'::timestamptz)$$,
  'it matches the text case-insensitively, as a substring, until expires_at');
select tap.ok(exists (select from vigil._suppression_for('{}', '{"detail": {"error": "COULD NOT RESIZE SHARED MEMORY"}}', '2026-06-02 00:00Z')),
  'it matches in detail rendered as text');
select tap.ok(not exists (select from vigil._suppression_for('{}', 'could not resize the shared memory', '2026-06-02 00:00Z')),
  'it does not match a text that lacks the substring');
select tap.ok(not exists (select from vigil._suppression_for('{}', null, '2026-06-02 00:00Z')),
  'it does not match an alert without text');
select tap.ok(not exists (select from vigil._suppression_for('{}', 'could not resize shared memory', '2026-06-08 00:00Z')),
  'it expires by itself at expires_at (exclusive)');

do $$ begin perform vigil.add_known_issue('100% of max_connections', '2026-06-08 00:00Z', 'pooler fix, OPS-13', p_now => '2026-06-01 00:00Z'); end $$;
select tap.ok(exists (select from vigil._suppression_for('{}', 'connections at 100% of max_connections', '2026-06-02 00:00Z'))
              and not exists (select from vigil._suppression_for('{}', 'connections at 1000 of max_connections', '2026-06-02 00:00Z')),
  'the pattern is a plain substring: % is not a wildcard');
do $$ begin perform vigil.add_known_issue('a.c', '2026-06-08 00:00Z', 'not a regex', p_now => '2026-06-01 00:00Z'); end $$;
select tap.ok(not exists (select from vigil._suppression_for('{}', 'abc', '2026-06-02 00:00Z')),
  '... nor a regex: . is a dot');

select tap.throws_ok($$select vigil.end_known_issue(999999999)$$,
  'P0002', 'known issue 999999999 does not exist', 'ending an unknown known issue names it');
select tap.is(
  (select k.ended_at from vigil.end_known_issue((select id from vigil.known_issues where comment = 'pooler fix, OPS-13'), '2026-06-03 00:00Z') k),
  '2026-06-03 00:00Z'::timestamptz, 'end_known_issue sets ended_at = p_now');
select tap.ok(exists (select from vigil._suppression_for('{}', 'at 100% of max_connections', '2026-06-02 23:59:59Z')),
  'an ended known issue still counts before it was ended');
select tap.ok(not exists (select from vigil._suppression_for('{}', 'at 100% of max_connections', '2026-06-03 00:00Z')),
  '... and suppresses nothing from then on');
select tap.throws_ok($$select vigil.end_known_issue((select id from vigil.known_issues where comment = 'pooler fix, OPS-13'), '2026-06-04 00:00Z')$$,
  '55000', null, 'ending it again is refused');
select tap.throws_ok($$select vigil.end_known_issue((select id from vigil.known_issues where comment = 'not a regex'), '2026-06-08 00:00Z')$$,
  '55000', null, 'ending one that has expired is refused');

select * from tap.finish();
rollback;
