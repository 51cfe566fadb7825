-- Fixtures shared by the delivery tests (included with \ir after plan()):
-- minute m is 2026-03-10 12:00 UTC + m minutes; three channels; and
-- test.enqueue, which writes an outbox row directly, as vigil._notify does.
create schema test;
-- The tests name outbox rows by id (1, 2, ...): start the ids afresh, as
-- pg_prove runs every file in one database (restarting is rolled back
-- with the rest).
alter table vigil.outbox alter column id restart;

create function test.t(p_minute integer) returns timestamptz language sql immutable set search_path = ''
  as $$ select '2026-03-10 12:00:00+00'::timestamptz + pg_catalog.make_interval(mins => p_minute) $$;

-- A heartbeat row for p_channel, written (and due) at minute p_minute.
create function test.enqueue(p_channel text, p_minute integer, p_key text default null) returns bigint
language sql set search_path = '' as $$
  insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
  values (test.t(p_minute), p_channel, 'heartbeat', coalesce(p_key, 'test:' || p_channel || ':' || p_minute),
          pg_catalog.jsonb_build_object('version', 1, 'kind', 'heartbeat', 'channel', p_channel,
                                        'summary', 'test ' || p_minute, 'alerts', '[]'::jsonb),
          test.t(p_minute))
  returning id $$;

-- The ids a claim returned, in order.
create function test.claim(p_worker text, p_limit integer, p_minute integer, p_lease interval default '60 seconds')
returns bigint[] language sql set search_path = '' as $$
  select coalesce(pg_catalog.array_agg(c.id order by c.ord), '{}')
    from vigil.claim_deliveries(p_worker, p_limit, p_lease, test.t(p_minute)) with ordinality as c(
         id, channel, kind, idempotency_key, payload, attempts, max_attempts, lease_expires_at,
         channel_kind, target, secret_ref, allow_private, rate_limit_per_minute, ord) $$;

do $$ begin
  perform vigil.add_channel('chat', 'slack', 'env:SLACK_URL');
  perform vigil.add_channel('hook', 'webhook', 'https://hooks.example.com/s3cr3t', p_secret_ref => 'env:HOOK_SECRET',
                            p_rate_limit_per_minute => 60, p_allow_private => true);
  perform vigil.add_channel('off', 'discord', 'env:DISCORD_URL');
end $$;
update vigil.channels set enabled = false where name = 'off';
