-- Up Migration
-- 0006 suppression: what keeps a notification from going out although its
-- alert fires (step 4 of the pipeline). Maintenance windows (one-off or
-- recurring, with label matchers), Alertmanager-shaped silences, and known
-- issues (a text pattern until an expiry). Each keeps a count of what it
-- suppressed. The rules that read them are in the repeatable layer
-- (vigil._active_suppressions, vigil._suppression_for); these are the
-- tables and the recurring-interval type that windows use now and that
-- checks' active hours will reuse.
--
-- Matchers are stored parsed (vigil._parse_matchers): a jsonb array of
-- {"name", "op", "value"}, op one of =, !=, =~, !~. Nothing is deleted when a
-- suppression ends: ended_at / expired_at record when, so that a replay at an
-- earlier time still sees it and the history stays auditable.

create type vigil.recurrence as (
  weekdays   smallint[],
  start_time time,
  end_time   time,
  time_zone  text,
  first_day  date,
  last_day   date
);

comment on type vigil.recurrence is
  'A recurring interval in local time: on each of weekdays (ISO, 1 = Monday .. 7 = Sunday), from start_time (inclusive) to end_time (exclusive) in time_zone (IANA). end_time <= start_time means it runs past midnight into the next day; the weekday and the date range are those of the day it starts. first_day and last_day (local dates, inclusive, optional) bound the days it starts on. Validated by vigil._validate_recurrence; tested by vigil._in_recurrence.';
comment on column vigil.recurrence.weekdays is 'ISO weekdays on which an occurrence starts: 1 = Monday .. 7 = Sunday, sorted, no duplicates.';
comment on column vigil.recurrence.start_time is 'Local start time, inclusive.';
comment on column vigil.recurrence.end_time is 'Local end time, exclusive; at or before start_time: the next day.';
comment on column vigil.recurrence.time_zone is 'IANA time zone name (pg_timezone_names), e.g. Europe/Berlin. Daylight saving time is followed: times are wall-clock times.';
comment on column vigil.recurrence.first_day is 'First local date an occurrence may start on (null: no bound).';
comment on column vigil.recurrence.last_day is 'Last local date an occurrence may start on, inclusive (null: no bound).';

create table vigil.maintenance_windows (
  id                 bigint generated always as identity primary key,
  title              text not null,
  reason             text,
  created_by         text not null,
  created_at         timestamptz not null default pg_catalog.now(),
  kind               text not null,
  starts_at          timestamptz,
  ends_at            timestamptz,
  recurrence         vigil.recurrence,
  matchers           jsonb not null default '[]'::jsonb,
  ended_at           timestamptz,
  suppressed_count   bigint not null default 0,
  last_suppressed_at timestamptz,
  constraint maintenance_windows_kind check (kind in ('one_off', 'recurring')),
  constraint maintenance_windows_one_off check (
    kind <> 'one_off' or (starts_at is not null and ends_at > starts_at and recurrence is null)),
  constraint maintenance_windows_recurring check (
    kind <> 'recurring' or (starts_at is null and ends_at is null
      and pg_catalog.cardinality((recurrence).weekdays) > 0
      and (recurrence).weekdays <@ array[1, 2, 3, 4, 5, 6, 7]::smallint[]
      and (recurrence).start_time is not null and (recurrence).end_time is not null
      and (recurrence).start_time <> (recurrence).end_time
      and (recurrence).time_zone is not null
      and ((recurrence).last_day >= (recurrence).first_day) is not false)),
  constraint maintenance_windows_title check (pg_catalog.btrim(title) <> ''),
  constraint maintenance_windows_matchers check (pg_catalog.jsonb_typeof(matchers) = 'array'),
  constraint maintenance_windows_count check (suppressed_count >= 0)
);

comment on table vigil.maintenance_windows is
  'Planned maintenance: while a window is active, notifications of the alerts its matchers select are suppressed (still recorded, and counted here). one_off: from starts_at (inclusive) to ends_at (exclusive). recurring: every occurrence of recurrence. A window with no matchers covers every alert. Add with vigil.add_maintenance_window, end early with vigil.end_maintenance_window; see what is active in vigil.active_suppressions.';
comment on column vigil.maintenance_windows.kind is 'one_off (starts_at, ends_at) or recurring (recurrence).';
comment on column vigil.maintenance_windows.starts_at is 'one_off: when it starts (inclusive).';
comment on column vigil.maintenance_windows.ends_at is 'one_off: when it ends (exclusive).';
comment on column vigil.maintenance_windows.recurrence is 'recurring: the weekdays, local times, time zone and date range of its occurrences.';
comment on column vigil.maintenance_windows.matchers is 'Parsed label matchers, a jsonb array of {"name", "op", "value"} (op =, !=, =~, !~); an alert is covered when all match. [] covers every alert.';
comment on column vigil.maintenance_windows.ended_at is 'Set by vigil.end_maintenance_window: the window is not active from then on (a recurring window has no further occurrences).';
comment on column vigil.maintenance_windows.suppressed_count is 'How many notifications this window suppressed.';
comment on column vigil.maintenance_windows.last_suppressed_at is 'When it last suppressed a notification.';

create table vigil.silences (
  id                 bigint generated always as identity primary key,
  matchers           jsonb not null,
  starts_at          timestamptz not null,
  ends_at            timestamptz not null,
  created_by         text not null,
  comment            text not null,
  created_at         timestamptz not null default pg_catalog.now(),
  expired_at         timestamptz,
  suppressed_count   bigint not null default 0,
  last_suppressed_at timestamptz,
  constraint silences_period check (ends_at > starts_at),
  constraint silences_comment check (pg_catalog.btrim(comment) <> ''),
  constraint silences_matchers check (pg_catalog.jsonb_typeof(matchers) = 'array' and pg_catalog.jsonb_array_length(matchers) > 0),
  constraint silences_count check (suppressed_count >= 0)
);

create index silences_ends_at on vigil.silences (ends_at);

comment on table vigil.silences is
  'Ad-hoc silences, shaped like Alertmanager''s: from starts_at (inclusive) to ends_at (exclusive), unless expired earlier, the notifications of the alerts its matchers select are suppressed (still recorded, and counted here). A comment is required, and at least one matcher that does not match an empty label. Add with vigil.silence, end early with vigil.expire_silence.';
comment on column vigil.silences.matchers is 'Parsed label matchers, a jsonb array of {"name", "op", "value"} (op =, !=, =~, !~); an alert is silenced when all match. Never empty.';
comment on column vigil.silences.comment is 'Why (required, as in Alertmanager): e.g. a ticket number.';
comment on column vigil.silences.expired_at is 'Set by vigil.expire_silence: the silence is not active from then on.';
comment on column vigil.silences.suppressed_count is 'How many notifications this silence suppressed.';
comment on column vigil.silences.last_suppressed_at is 'When it last suppressed a notification.';

create table vigil.known_issues (
  id                 bigint generated always as identity primary key,
  pattern            text not null,
  expires_at         timestamptz not null,
  comment            text not null,
  created_by         text not null,
  created_at         timestamptz not null default pg_catalog.now(),
  ended_at           timestamptz,
  suppressed_count   bigint not null default 0,
  last_suppressed_at timestamptz,
  constraint known_issues_pattern check (pg_catalog.btrim(pattern) <> ''),
  constraint known_issues_comment check (pg_catalog.btrim(comment) <> ''),
  constraint known_issues_count check (suppressed_count >= 0)
);

create index known_issues_expires_at on vigil.known_issues (expires_at);

comment on table vigil.known_issues is
  'Known issues: until expires_at (exclusive), unless ended earlier, the notifications of any alert whose message or detail contains pattern (case-insensitive substring) are suppressed (still recorded, and counted here). Add with vigil.add_known_issue, end early with vigil.end_known_issue.';
comment on column vigil.known_issues.pattern is 'Case-insensitive substring (not a regex, not LIKE) looked for in the alert''s message and detail text.';
comment on column vigil.known_issues.expires_at is 'When it stops suppressing (exclusive).';
comment on column vigil.known_issues.ended_at is 'Set by vigil.end_known_issue: it is not active from then on.';
comment on column vigil.known_issues.suppressed_count is 'How many notifications this known issue suppressed.';
comment on column vigil.known_issues.last_suppressed_at is 'When it last suppressed a notification.';
