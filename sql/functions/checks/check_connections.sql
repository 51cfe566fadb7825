-- vigil.check_connections(p_params): connection slots in use, as a percent of
-- the slots that ordinary roles may use.
--
-- Why: when max_connections runs out, every new session fails with "too many
-- clients already" (or "remaining connection slots are reserved"), the
-- application goes down, and by then nobody can log in to look. Alerting at a
-- percent of the usable slots gives time to find the leak or add a pooler.
--
-- Only client backends take a max_connections slot: background workers,
-- autovacuum and WAL senders have slots of their own. Usable slots are
-- max_connections minus superuser_reserved_connections minus (PostgreSQL 16+)
-- reserved_connections; superusers may use the reserved ones, so the percent
-- can pass 100.
--
-- Without pg_read_all_stats, other roles' sessions show no backend_type. They
-- are then counted as connections when they belong to a database and a role
-- (parallel workers and logical WAL senders look the same, so the count is an
-- upper bound), and detail says how many were guessed that way.
create or replace function vigil.check_connections(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with a as materialized (
    select a.pid, a.datname, a.usename, a.state, a.backend_type,
           (a.backend_type is null and a.datid is not null and a.usesysid is not null) as hidden
      from pg_catalog.pg_stat_activity a
  ), conn as (
    select a.* from a where a.backend_type = 'client backend' or a.hidden
  ), settings as (
    select pg_catalog.current_setting('max_connections')::int as max_connections,
           pg_catalog.current_setting('superuser_reserved_connections')::int as superuser_reserved,
           coalesce(nullif(pg_catalog.current_setting('reserved_connections', true), ''), '0')::int as reserved
  ), totals as (
    select pg_catalog.count(*) as in_use,
           pg_catalog.count(*) filter (where conn.hidden) as hidden
      from conn
  )
  select 'cluster'::text,
         100.0::double precision * t.in_use
           / nullif(s.max_connections - s.superuser_reserved - s.reserved, 0),
         '{}'::jsonb,
         pg_catalog.jsonb_build_object(
           'in_use', t.in_use,
           'usable', s.max_connections - s.superuser_reserved - s.reserved,
           'max_connections', s.max_connections,
           'superuser_reserved_connections', s.superuser_reserved,
           'reserved_connections', s.reserved,
           'by_state', (select coalesce(pg_catalog.jsonb_object_agg(x.state, x.n), '{}'::jsonb)
                          from (select coalesce(conn.state, case when conn.hidden then 'hidden' else 'unknown' end) as state,
                                       pg_catalog.count(*) as n
                                  from conn group by 1) x),
           'top_databases', (select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('database', x.datname, 'connections', x.n)
                                                                 order by x.n desc, x.datname), '[]'::jsonb)
                               from (select conn.datname, pg_catalog.count(*) as n
                                       from conn group by 1 order by 2 desc, 1 limit 5) x),
           'top_users', (select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('user', x.usename, 'connections', x.n)
                                                             order by x.n desc, x.usename), '[]'::jsonb)
                           from (select conn.usename, pg_catalog.count(*) as n
                                   from conn group by 1 order by 2 desc, 1 limit 5) x))
         || case when t.hidden > 0 then pg_catalog.jsonb_build_object(
              'hidden_sessions', t.hidden,
              'hint', pg_catalog.format('%s may not see the backend type of other roles'' sessions; they are counted as connections (an upper bound). GRANT pg_read_all_stats TO %I for an exact count.',
                                        current_user, current_user))
            else '{}'::jsonb end
    from totals t cross join settings s;
$$;

comment on function vigil.check_connections(jsonb) is
  'Connections in use (client backends in pg_catalog.pg_stat_activity, superusers included) as a percent of the usable slots: max_connections minus superuser_reserved_connections minus reserved_connections (PostgreSQL 16+), read with current_setting. One row, series ''cluster''; detail has the counts by state, the top databases and users. Without pg_read_all_stats, sessions whose type is hidden are counted (upper bound) and reported as hidden_sessions. Default thresholds: warning 80, critical 90 (percent): 80 % of max_connections minus superuser_reserved_connections is the postgres_exporter community alert (PostgreSQLHighConnections in its mixin, PostgresqlTooManyConnections in common rule sets); 90 % is the default warning of check_postgres backends.';
