-- vigil.dead_letters: notifications the worker gave up on (max_attempts
-- reached, or a receiver that said it never will accept them), newest
-- first, with what they were about and the last error:
--   select * from vigil.dead_letters;
create or replace view vigil.dead_letters as
select o.id,
       o.channel,
       o.kind,
       o.created_at,
       o.attempts,
       o.last_error,
       o.payload ->> 'status' as status,
       pg_catalog.jsonb_array_length(coalesce(o.payload -> 'alerts', '[]'::jsonb)) as alerts,
       coalesce(o.payload -> 'alerts' -> 0 ->> 'summary', o.payload ->> 'summary') as first_summary,
       o.idempotency_key,
       (select a.http_status from vigil.delivery_attempts a
         where a.outbox_id = o.id order by a.id desc limit 1) as last_http_status
  from vigil.outbox o
 where o.status = 'dead'
 order by o.created_at desc, o.id desc;

comment on view vigil.dead_letters is
  'Notifications that will not be retried (status dead), newest first: channel, kind, when, attempts, the last error, and what they were about (status, number of alerts, the first alert''s summary), and the last attempt''s HTTP status. Runs with its owner''s rights: vigil_reader needs select on the view only.';
comment on column vigil.dead_letters.last_http_status is 'The HTTP status of the last recorded attempt (vigil.delivery_attempts), null without a response.';
comment on column vigil.dead_letters.first_summary is 'The first alert''s summary (or the heartbeat''s), to tell the rows apart.';
