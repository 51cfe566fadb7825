-- Silences, shaped like Alertmanager's: vigil.silence needs matchers (at
-- least one that does not match an empty label), a comment, and an end
-- (p_ends_at, or a duration p_for) after its start; it returns the id. A
-- silence is active in [starts_at, ends_at): it is pending before it starts,
-- expires by itself at ends_at, or earlier by vigil.expire_silence (unknown
-- id P0002, already over 55000); an expired silence still counts before it
-- was expired.
begin;
select tap.plan(28);
set local timezone = 'UTC';

-- The HINT of the error a statement raises, or null.
\ir ../hint_of.sql

-- Validation.
select tap.throws_ok($$select vigil.silence(null, '2026-06-01 12:00Z', 'why', p_starts_at => '2026-06-01 10:00Z')$$,
  '22023', 'a silence needs at least one matcher', 'a silence without matchers is refused');
select tap.throws_ok($$select vigil.silence('{}', '2026-06-01 12:00Z', 'why', p_starts_at => '2026-06-01 10:00Z')$$,
  '22023', 'a silence needs at least one matcher', 'an empty matcher list is refused');
select tap.throws_ok($$select vigil.silence(array['team=~.*', 'owner!=bob'], '2026-06-01 12:00Z', 'why', p_starts_at => '2026-06-01 10:00Z')$$,
  '22023', 'the matchers team=~.*, owner!=bob all match an empty label, so the silence would silence every alert',
  'matchers that all match an empty label are refused (Alertmanager)');
select tap.throws_ok($$select vigil.silence(array['service=db'], '2026-06-01 12:00Z', '  ', p_starts_at => '2026-06-01 10:00Z')$$,
  '22023', 'a silence needs a comment, not ''  ''', 'a blank comment is refused');
select tap.throws_ok($$select vigil.silence(array['service=db'], '2026-06-01 12:00Z', null, p_starts_at => '2026-06-01 10:00Z')$$,
  '22023', 'a silence needs a comment, not NULL', 'a missing comment is refused');
select tap.throws_ok($$select vigil.silence(array['service=db'], '2026-06-01 10:00Z', 'why', p_starts_at => '2026-06-01 10:00Z')$$,
  '22023', 'silence ends at 2026-06-01 10:00:00+00, which is not after its start 2026-06-01 10:00:00+00', 'an end equal to the start is refused');
select tap.throws_ok($$select vigil.silence(array['service=db'], '2026-06-01 09:00Z', 'why', p_starts_at => '2026-06-01 10:00Z')$$,
  '22023', 'silence ends at 2026-06-01 09:00:00+00, which is not after its start 2026-06-01 10:00:00+00', 'an end before the start is refused');
select tap.throws_ok($$select vigil.silence(array['service=db'], p_comment => 'why')$$,
  '22023', 'a silence needs either p_ends_at or p_for, got neither', 'a silence without an end is refused');
select tap.throws_ok($$select vigil.silence(array['service=db'], '2026-06-01 12:00Z', 'why', p_for => '1 hour')$$,
  '22023', 'a silence needs either p_ends_at or p_for, not both', 'p_ends_at and p_for together are refused');
select tap.throws_ok($$select vigil.silence(array['service=db'], p_for => '-1 hour', p_comment => 'why')$$,
  '22023', 'a silence must last a positive time, not -01:00:00', 'a negative duration is refused');
select tap.throws_ok($$select vigil.silence(array['check=~(lag'], '2026-06-01 12:00Z', 'why', p_starts_at => '2026-06-01 10:00Z')$$,
  '2201B', null, 'a bad regex is refused');
select tap.throws_ok($$select vigil.silence(array['check=lag', 'oops'], '2026-06-01 12:00Z', 'why', p_starts_at => '2026-06-01 10:00Z')$$,
  '22023', 'invalid matcher: ''oops''', 'a malformed matcher is refused, naming it');
select tap.is(
  (select pg_catalog.count(*)::int from pg_catalog.unnest(array[
     $q$select vigil.silence(null, p_for => '1 hour', p_comment => 'why')$q$,
     $q$select vigil.silence(array['a!=b'], p_for => '1 hour', p_comment => 'why')$q$,
     $q$select vigil.silence(array['a=b'], p_for => '1 hour', p_comment => '')$q$,
     $q$select vigil.silence(array['a=b'], p_for => '1 hour', p_comment => 'why', p_created_by => '')$q$,
     $q$select vigil.silence(array['a=b'], p_comment => 'why')$q$,
     $q$select vigil.silence(array['a=b'], p_for => '0', p_comment => 'why')$q$,
     $q$select vigil.silence(array['a=b'], '2026-06-01 09:00Z', 'why', p_starts_at => '2026-06-01 10:00Z')$q$,
     $q$select vigil.expire_silence(999999999)$q$]) s
    where pg_temp.hint_of(s) is not null),
  8, 'every refusal comes with a HINT');
select tap.is((select pg_catalog.count(*)::int from vigil.silences), 0, 'nothing was written by the refused calls');

-- A silence from 10:00 to 12:00 for one series of one check.
create temp table ids as
select vigil.silence(array['check=replication_lag', 'series="replica1"'], '2026-06-01 12:00Z', 'replica rebuild, INC-4711',
                     p_created_by => 'alice', p_starts_at => '2026-06-01 10:00Z') as id;
select tap.results_eq(
  $$select s.matchers, s.starts_at, s.ends_at, s.created_by, s.comment, s.expired_at, s.suppressed_count
      from vigil.silences s join pg_temp.ids using (id)$$,
  $$values ('[{"name": "check", "op": "=", "value": "replication_lag"}, {"name": "series", "op": "=", "value": "replica1"}]'::jsonb,
            '2026-06-01 10:00Z'::timestamptz, '2026-06-01 12:00Z'::timestamptz, 'alice', 'replica rebuild, INC-4711', null::timestamptz, 0::bigint)$$,
  'vigil.silence returns the id of the stored silence');
select tap.ok(not exists (select from vigil._suppression_for('{"check": "replication_lag", "series": "replica1"}', null, '2026-06-01 09:59:59Z')),
  'a silence is pending before starts_at');
select tap.results_eq(
  $$select kind, id, title, until from vigil._suppression_for('{"check": "replication_lag", "series": "replica1", "service": "db"}', null, '2026-06-01 10:00Z')$$,
  $$select 'silence', id, 'replica rebuild, INC-4711', '2026-06-01 12:00Z'::timestamptz from pg_temp.ids$$,
  'it is active from starts_at (inclusive), until ends_at');
select tap.ok(not exists (select from vigil._suppression_for('{"check": "replication_lag", "series": "replica2"}', null, '2026-06-01 11:00Z')),
  'it does not silence another series');
select tap.ok(exists (select from vigil._suppression_for('{"check": "replication_lag", "series": "replica1"}', null, '2026-06-01 11:59:59Z')),
  'it is active just before ends_at');
select tap.ok(not exists (select from vigil._suppression_for('{"check": "replication_lag", "series": "replica1"}', null, '2026-06-01 12:00Z')),
  'it expires by itself at ends_at (exclusive)');
select tap.throws_ok($$select vigil.expire_silence((select id from pg_temp.ids), '2026-06-01 12:00Z')$$,
  '55000', null, 'expiring a silence that is over is refused');

-- The duration form, and expiring by hand.
insert into pg_temp.ids
select vigil.silence(array['service=db'], p_for => '4 hours', p_comment => 'failover drill', p_starts_at => '2026-06-02 08:00Z');
select tap.is((select s.ends_at from vigil.silences s where s.comment = 'failover drill'), '2026-06-02 12:00Z'::timestamptz,
  'p_for: the silence ends p_for after its start');
select tap.throws_ok($$select vigil.expire_silence(999999999)$$,
  'P0002', 'silence 999999999 does not exist', 'expiring an unknown silence names it');
select tap.is(
  (select s.expired_at from vigil.expire_silence((select id from vigil.silences where comment = 'failover drill'), '2026-06-02 09:00Z') s),
  '2026-06-02 09:00Z'::timestamptz, 'expire_silence sets expired_at = p_now');
select tap.ok(exists (select from vigil._suppression_for('{"service": "db"}', null, '2026-06-02 08:59:59Z')),
  'an expired silence still counts before it was expired (a replay sees what was)');
select tap.ok(not exists (select from vigil._suppression_for('{"service": "db"}', null, '2026-06-02 09:00Z')),
  '... and silences nothing from then on');
select tap.throws_ok($$select vigil.expire_silence((select id from vigil.silences where comment = 'failover drill'), '2026-06-02 09:30Z')$$,
  '55000', null, 'expiring it again is refused');

-- Expiring a silence that has not started: it never starts.
insert into pg_temp.ids
select vigil.silence(array['service=api'], p_for => '1 hour', p_comment => 'deploy', p_starts_at => '2026-06-03 10:00Z');
do $$ begin perform vigil.expire_silence((select id from vigil.silences where comment = 'deploy'), '2026-06-03 09:00Z'); end $$;
select tap.ok(not exists (select from vigil._suppression_for('{"service": "api"}', null, '2026-06-03 10:30Z')),
  'a silence expired before it started never silences anything');

select * from tap.finish();
rollback;
