-- Up Migration
-- 0011 partition sets (issue 7): the registry of range-partitioned tables
-- that pgvigil premakes and expires (vigil.rotate_partitions), pgvigil's own
-- history tables registered in it, vigil.delivery_attempts made partitioned
-- like the others, and the self-check for rows in default partitions.
-- How rotation works: docs/partitions.md.

create table vigil.partition_sets (
  parent             text primary key,
  partition_interval text not null,
  premake            integer not null default 4,
  retention          interval,
  retention_action   text not null default 'detach',
  builtin            boolean not null default false,
  last_rotated_at    timestamptz,
  last_error         text,
  created_at         timestamptz not null default pg_catalog.now(),
  updated_at         timestamptz not null default pg_catalog.now(),
  constraint partition_sets_interval check (partition_interval in ('day', 'week', 'month')),
  constraint partition_sets_premake check (premake between 1 and 366),
  constraint partition_sets_retention check (retention > interval '0'),
  constraint partition_sets_action check (retention_action in ('drop', 'detach'))
);

comment on table vigil.partition_sets is
  'Every range-partitioned table pgvigil looks after: vigil.rotate_partitions premakes its future partitions and drops or detaches the expired ones. pgvigil''s own history tables are registered by default (builtin); add your own with vigil.register_partitioned(''public.system_logs'', ''month'', p_retention => ''90 days''). See docs/partitions.md.';
comment on column vigil.partition_sets.parent is 'The partitioned table, schema-qualified and quoted as needed (''public.system_logs''); range-partitioned on one timestamptz, timestamp or date column.';
comment on column vigil.partition_sets.partition_interval is 'day, week (starting Monday, ISO) or month (starting on the 1st); periods are UTC for timestamptz keys. Partitions are named <table>_pYYYYMMDD (day, week: its first day) or <table>_pYYYYMM (month).';
comment on column vigil.partition_sets.premake is 'How many periods after the current one to keep made ahead (1 to 366; default 4).';
comment on column vigil.partition_sets.retention is 'How long rows are kept: a partition expires when its upper bound is at or before p_now - retention (all its rows are older). Null keeps everything.';
comment on column vigil.partition_sets.retention_action is 'What happens to an expired partition: drop (DROP TABLE) or detach (DETACH PARTITION; the table stays, listed by vigil.detached_partitions).';
comment on column vigil.partition_sets.builtin is 'One of pgvigil''s own history tables: it cannot be unregistered, and run_check premakes it too.';
comment on column vigil.partition_sets.last_rotated_at is 'p_now of the last vigil.rotate_partitions that went over this set.';
comment on column vigil.partition_sets.last_error is 'What failed in that rotation (a partition that could not be made, dropped or detached), or null when everything went through.';

insert into vigil.partition_sets (parent, partition_interval, premake, retention, retention_action, builtin)
values ('vigil.samples',           'day', 4, '14 days', 'drop', true),
       ('vigil.check_runs',        'day', 4, '14 days', 'drop', true),
       ('vigil.alert_events',      'day', 4, '90 days', 'drop', true),
       ('vigil.delivery_attempts', 'day', 4, '30 days', 'drop', true);

-- vigil.delivery_attempts becomes range-partitioned on started_at, as the
-- other history tables are, with the same columns, constraints, index and
-- comments. The primary key must include the partition key: (id,
-- started_at); id stays unique, from its identity sequence. Existing rows
-- are copied with their ids into daily partitions made here for the UTC days
-- they fall on (a migration calls nothing from sql/, so it makes them
-- itself); rotation takes over from there.
drop view if exists vigil.dead_letters;  -- reads the table; the repeatable layer recreates it
alter table vigil.delivery_attempts rename to delivery_attempts_unpartitioned;
alter index vigil.delivery_attempts_pkey rename to delivery_attempts_unpartitioned_pkey;
alter index vigil.delivery_attempts_outbox rename to delivery_attempts_unpartitioned_outbox;
alter sequence vigil.delivery_attempts_id_seq rename to delivery_attempts_unpartitioned_id_seq;

create table vigil.delivery_attempts (
  id               bigint generated always as identity,
  outbox_id        bigint not null,
  channel          text not null,
  worker           text not null,
  attempt          integer not null,
  started_at       timestamptz not null,
  latency_ms       double precision,
  outcome          text not null,
  http_status      integer,
  error            text,
  response_excerpt text,
  constraint delivery_attempts_pkey primary key (id, started_at),
  constraint delivery_attempts_outbox_id_fkey foreign key (outbox_id) references vigil.outbox (id) on delete cascade,
  constraint delivery_attempts_outcome check (outcome in ('delivered', 'retry', 'dead')),
  constraint delivery_attempts_http_status check (http_status between 100 and 599),
  constraint delivery_attempts_latency check (latency_ms >= 0),
  constraint delivery_attempts_excerpt check (pg_catalog.length(response_excerpt) <= 500)
) partition by range (started_at);

create table vigil.delivery_attempts_default partition of vigil.delivery_attempts default;
comment on table vigil.delivery_attempts_default is 'Rows outside the premade daily partitions land here; a self-check reports rows in default partitions.';

do $copy$
declare
  v_day  date;
  v_name text;
  v_max  bigint;
begin
  for v_day in
    select distinct (pg_catalog.timezone('UTC', a.started_at))::date
      from vigil.delivery_attempts_unpartitioned a
     order by 1
  loop
    v_name := 'delivery_attempts_p' || pg_catalog.to_char(v_day, 'YYYYMMDD');
    execute pg_catalog.format(
      'create table vigil.%I partition of vigil.delivery_attempts for values from (%L) to (%L)',
      v_name, pg_catalog.to_char(v_day, 'YYYY-MM-DD 00:00:00+00'), pg_catalog.to_char(v_day + 1, 'YYYY-MM-DD 00:00:00+00'));
    execute pg_catalog.format('comment on table vigil.%I is %L', v_name,
      'Daily partition of vigil.delivery_attempts for ' || pg_catalog.to_char(v_day, 'YYYY-MM-DD') || ' (UTC), made by pgvigil.');
  end loop;

  insert into vigil.delivery_attempts (id, outbox_id, channel, worker, attempt, started_at, latency_ms, outcome,
                                       http_status, error, response_excerpt)
  overriding system value
  select a.id, a.outbox_id, a.channel, a.worker, a.attempt, a.started_at, a.latency_ms, a.outcome,
         a.http_status, a.error, a.response_excerpt
    from vigil.delivery_attempts_unpartitioned a;

  select pg_catalog.max(a.id) into v_max from vigil.delivery_attempts_unpartitioned a;
  if v_max is not null then
    perform pg_catalog.setval(pg_catalog.pg_get_serial_sequence('vigil.delivery_attempts', 'id'), v_max);
  end if;
end
$copy$;

drop table vigil.delivery_attempts_unpartitioned;

create index delivery_attempts_outbox on vigil.delivery_attempts (outbox_id, id);

comment on table vigil.delivery_attempts is
  'Every delivery attempt the worker settled (vigil.settle_delivery): which notification, channel, worker and attempt number, when it started, how long it took, the outcome as decided (delivered, retry, dead), the HTTP status, the error and an excerpt of the response. Partitioned by day on started_at; kept 30 days (vigil.partition_sets). select * from vigil.delivery_attempts where outbox_id = 42 order by id;';
comment on column vigil.delivery_attempts.started_at is 'When the attempt started: the settle time minus latency_ms (the settle time when the latency is unknown).';
comment on column vigil.delivery_attempts.outcome is 'What settle_delivery decided: delivered; retry (the row waits for its next attempt); dead (given up: the receiver refused it, 410 Gone, or the attempts ran out).';
comment on column vigil.delivery_attempts.response_excerpt is
  'At most 500 characters of the receiver''s response body, to tell failures apart. The worker passes it and must never put a secret in it: no request headers, no URL (a Slack or Discord webhook URL is a secret), no signature.';

-- The history tables now say how long they are kept.
comment on table vigil.check_runs is
  'One row per run of a check: when (tick time), how long, ok/error/timeout, the error, and how many series it returned and how many breached. Partitioned by day; kept 14 days (vigil.partition_sets).';
comment on table vigil.alert_events is
  'Every alert transition, append-only, partitioned by day and kept 90 days (vigil.partition_sets): pending, firing, severity_changed, resolved, flapping_started, flapping_stopped, acknowledged, unacknowledged, ack_expired, no_data.';
comment on table vigil.alert_events_default is 'Rows outside the premade daily partitions land here; a self-check reports rows in default partitions.';

-- The self-check (a registration is data the DBA owns, as in 0003).
insert into vigil.checks (name, function_name, every, direction, warning, critical, max_severity, description, builtin)
values ('default_partitions', 'vigil.check_default_partitions', '15 minutes', 'above', 1, null, 'warning',
        'Rows in the default partition of each registered partition set: rows that no partition took, which retention never removes.', true)
on conflict (name) do nothing;
