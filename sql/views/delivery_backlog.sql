-- vigil.delivery_backlog: what the worker still has to deliver, per channel:
--   select * from vigil.delivery_backlog;
-- A channel missing here has nothing waiting. A growing backlog or an old
-- oldest row means the worker is down, slow, rate limited or failing (the
-- last error says which).
create or replace view vigil.delivery_backlog as
select o.channel,
       ch.kind,
       pg_catalog.count(*) filter (where o.status = 'pending') as pending,
       pg_catalog.count(*) filter (where o.status = 'delivering') as delivering,
       pg_catalog.count(*) filter (where o.attempts > 0) as retrying,
       pg_catalog.min(o.created_at) as oldest,
       pg_catalog.now() - pg_catalog.min(o.created_at) as oldest_age,
       pg_catalog.min(o.available_at) filter (where o.status = 'pending') as next_attempt_at,
       pg_catalog.max(o.attempts) as most_attempts,
       (pg_catalog.array_agg(o.last_error order by o.id desc) filter (where o.last_error is not null))[1] as last_error
  from vigil.outbox o
  left join vigil.channels ch on ch.name = o.channel
 where o.status in ('pending', 'delivering')
 group by o.channel, ch.kind
 order by pg_catalog.min(o.created_at);

comment on view vigil.delivery_backlog is
  'Notifications waiting for delivery, per channel: pending, being delivered (leased), retrying, the oldest and its age, when the next attempt is due, the most attempts of one row and the last error. select * from vigil.delivery_backlog; Runs with its owner''s rights: vigil_reader needs select on the view only.';
comment on column vigil.delivery_backlog.retrying is 'Rows that have failed at least once and wait for another attempt (backoff).';
comment on column vigil.delivery_backlog.oldest_age is 'now() - oldest: how late the channel''s notifications are.';
