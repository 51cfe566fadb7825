-- vigil.delivery_attempts is partitioned by day on started_at (migration
-- 0011) like pgvigil's other history tables, and kept 30 days. It keeps its
-- columns, constraints, index and comments; settle_delivery writes into the
-- day's partition; deleting an outbox row still deletes its attempts; and
-- retention drops a day 30 days after it ends, the outbox rows staying.
begin;
select tap.plan(9);
\ir ../delivery/fixtures.sql
-- pg_prove runs every file in one database: start the attempt ids afresh too.
alter table vigil.delivery_attempts alter column id restart;

select tap.is(
  (select pg_catalog.pg_get_partkeydef('vigil.delivery_attempts'::regclass)), 'RANGE (started_at)',
  'vigil.delivery_attempts is partitioned by range on started_at');
select tap.set_eq(
  $$select conname::text, pg_catalog.pg_get_constraintdef(oid) from pg_catalog.pg_constraint
     where conrelid = 'vigil.delivery_attempts'::regclass and contype <> 'n'$$,
  $$values ('delivery_attempts_pkey', 'PRIMARY KEY (id, started_at)'),
           ('delivery_attempts_outbox_id_fkey', 'FOREIGN KEY (outbox_id) REFERENCES vigil.outbox(id) ON DELETE CASCADE'),
           ('delivery_attempts_outcome', 'CHECK ((outcome = ANY (ARRAY[''delivered''::text, ''retry''::text, ''dead''::text])))'),
           ('delivery_attempts_http_status', 'CHECK (((http_status >= 100) AND (http_status <= 599)))'),
           ('delivery_attempts_latency', 'CHECK ((latency_ms >= (0)::double precision))'),
           ('delivery_attempts_excerpt', 'CHECK ((length(response_excerpt) <= 500))')$$,
  'its constraints: the primary key now includes the partition key; the outbox foreign key and the checks are kept');
select tap.is(
  (select pg_catalog.pg_get_indexdef('vigil.delivery_attempts_outbox'::regclass)),
  'CREATE INDEX delivery_attempts_outbox ON ONLY vigil.delivery_attempts USING btree (outbox_id, id)',
  'the index on (outbox_id, id) is kept');
select tap.ok(
  (select c.relkind = 'r' from pg_catalog.pg_class c where c.oid = 'vigil.delivery_attempts_default'::regclass)
  and pg_catalog.col_description('vigil.delivery_attempts'::regclass,
        (select a.attnum from pg_catalog.pg_attribute a where a.attrelid = 'vigil.delivery_attempts'::regclass and a.attname = 'response_excerpt')::integer)
      like 'At most 500 characters%',
  'it has a default partition, and keeps its column comments');

do $$ begin
  perform vigil.rotate_partitions(test.t(0));
  perform test.enqueue('chat', 0);
  perform test.enqueue('chat', 1);
  perform test.claim('w1', 10, 2, '1 hour');
  perform vigil.settle_delivery(1, 'w1', 'delivered', p_http_status => 200, p_latency_ms => 80, p_now => test.t(3));
  perform vigil.settle_delivery(2, 'w1', 'retry', p_http_status => 503, p_now => test.t(3));
end $$;

select tap.set_eq(
  $$select outbox_id, tableoid::regclass::text as part from vigil.delivery_attempts$$,
  $$values (1::bigint, 'vigil.delivery_attempts_p20260310'), (2, 'vigil.delivery_attempts_p20260310')$$,
  'settle_delivery records attempts in the day''s partition');
select tap.set_eq($$select id, outbox_id from vigil.delivery_attempts$$, $$values (1::bigint, 1::bigint), (2, 2)$$,
  'ids still come from the identity');
select tap.is((select last_http_status from vigil.dead_letters), null, 'vigil.dead_letters (which reads attempts) works');

delete from vigil.outbox where id = 1;
select tap.set_eq($$select outbox_id from vigil.delivery_attempts$$, $$values (2::bigint)$$,
  'deleting an outbox row deletes its attempts (on delete cascade)');

do $$ begin perform vigil.rotate_partitions('2026-04-10 00:00+00'); end $$;
select tap.ok(
  not exists (select from vigil.delivery_attempts) and exists (select from vigil.outbox where id = 2)
  and pg_catalog.to_regclass('vigil.delivery_attempts_p20260310') is null,
  '30 days after its day, the day''s partition is dropped with its attempts; the outbox row stays');

select * from tap.finish();
rollback;
