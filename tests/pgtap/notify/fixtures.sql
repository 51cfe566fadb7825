-- Fixtures shared by the notification replay tests (included with \ir after
-- plan()): the alert fixtures (test.t, test.tick, test.ticks), a feed the
-- checks read their values from, and the outbox as short rows.
\ir ../alerts/fixtures.sql

create table test.feed (
  check_name text not null,
  series     text not null,
  value      double precision,
  labels     jsonb not null default '{}',
  primary key (check_name, series)
);
-- A check function reading its own rows of the feed (run_check passes the
-- check's name in p_params->>'_check').
create function test.feed_check(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql set search_path = '' as $$
  select f.series, f.value, f.labels, null::jsonb from test.feed f where f.check_name = p_params ->> '_check' $$;
create function test.set(p_check text, p_series text, p_value double precision, p_labels jsonb default '{}')
returns void language sql set search_path = '' as $$
  insert into test.feed (check_name, series, value, labels) values (p_check, p_series, p_value, p_labels)
  on conflict (check_name, series) do update set value = excluded.value, labels = excluded.labels $$;
-- The outbox in the order written: minute (from test.t(0)), channel, kind,
-- status, and its alerts as 'series:status', in payload order.
create function test.outbox()
returns table (minute integer, channel text, kind text, status text, alerts text)
language sql set search_path = '' as $$
  select (pg_catalog.date_part('epoch', o.created_at - test.t(0)) / 60)::integer, o.channel, o.kind,
         o.payload ->> 'status',
         (select pg_catalog.string_agg((x.a ->> 'series') || ':' || (x.a ->> 'status'), ' ' order by x.ord)
            from pg_catalog.jsonb_array_elements(o.payload -> 'alerts') with ordinality as x(a, ord))
    from vigil.outbox o
   order by o.id $$;

delete from vigil.checks;  -- only this file's checks
