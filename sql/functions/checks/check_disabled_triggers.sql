-- vigil.check_disabled_triggers: user triggers that are disabled.
--
-- Why: ALTER TABLE ... DISABLE TRIGGER is the usual trick for a bulk load or
-- a data fix, and the ENABLE afterwards is easy to forget (a failed script,
-- an interrupted session). A disabled trigger silently stops whatever it
-- did: audit rows, denormalised counters, updated_at columns, outbox events.
-- Nothing errors, the data just goes wrong.
--
-- One row per disabled trigger (pg_trigger.tgenabled = 'D'), value 1.
-- Triggers set to fire only on replicas ('R') or always ('A') are not
-- disabled and are not reported. Internal triggers (the ones that enforce
-- foreign keys, disabled by DISABLE TRIGGER ALL) are left out by default:
-- they are not something the user wrote, and one foreign key has several.
-- check_postgres disabled_triggers counts them with the others; set
-- include_internal to report them too (a disabled foreign-key trigger means
-- the constraint is not enforced). Warning 1 (any), no critical: check_postgres
-- disabled_triggers defaults to warning 1 and critical 1, but a trigger can be
-- disabled on purpose (a replica-side table, a migration in progress), so it
-- should not page anyone.
--
-- Params: include_internal (default false) includes internal triggers;
-- include_vigil (default false) includes triggers on pgvigil's own tables.
create or replace function vigil.check_disabled_triggers(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with p as (
    select coalesce((p_params->>'include_internal')::boolean, false) as include_internal,
           coalesce((p_params->>'include_vigil')::boolean, false) as include_vigil
  )
  select pg_catalog.format('%I.%I.%I', n.nspname, c.relname, t.tgname) as series,
         1::double precision as value,
         pg_catalog.jsonb_build_object(
           'table', pg_catalog.format('%I.%I', n.nspname, c.relname),
           'trigger', t.tgname) as labels,
         pg_catalog.jsonb_build_object(
           'function', t.tgfoid::pg_catalog.regproc::text,
           'internal', t.tgisinternal,
           'constraint', case when t.tgconstraint <> 0 then
             (select con.conname from pg_catalog.pg_constraint con where con.oid = t.tgconstraint) end,
           'definition', case when not t.tgisinternal then pg_catalog.pg_get_triggerdef(t.oid) end,
           'hint', case when t.tgisinternal
             then pg_catalog.format('A foreign-key trigger is disabled: the constraint is not enforced. ALTER TABLE %I.%I ENABLE TRIGGER ALL; and check the data.', n.nspname, c.relname)
             else pg_catalog.format('If it was disabled for a bulk load or a fix, turn it back on: ALTER TABLE %I.%I ENABLE TRIGGER %I;', n.nspname, c.relname, t.tgname) end
         ) as detail
    from pg_catalog.pg_trigger t
    join pg_catalog.pg_class c on c.oid = t.tgrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   cross join p
   where t.tgenabled = 'D'
     and (not t.tgisinternal or p.include_internal)
     and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
     and n.nspname !~ '^pg_(toast_)?temp_'
     and (n.nspname <> 'vigil' or p.include_vigil)
$$;

comment on function vigil.check_disabled_triggers(jsonb) is
  'Disabled triggers (pg_trigger.tgenabled = ''D''), one row per trigger with value 1; internal (foreign-key) triggers only with include_internal. Detail has the definition and the ENABLE TRIGGER hint. Reads pg_trigger, pg_class, pg_namespace and pg_constraint. Params: include_internal (default false), include_vigil (default false). Default thresholds: warning 1, critical none, from check_postgres disabled_triggers (warning 1; its critical of 1 is dropped because triggers are sometimes disabled on purpose).';
