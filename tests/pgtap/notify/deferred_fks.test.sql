-- The foreign keys of the rows the notification step inserts by the
-- thousand in a storm (group members, escalations) are checked at commit
-- (migration 0017), where they keep one plan instead of being planned for
-- every row under _notify's force_custom_plan. They are still enforced.
begin;
select tap.plan(4);
do $$ begin
  perform vigil.add_channel('pager', 'pagerduty', 'env:PD_URL');
  perform vigil.add_escalation_policy('db', array['pager'], array['5 minutes']::interval[]);
  perform vigil.add_route('critical', 'pager', p_escalation_policy => 'db');
end $$;

select tap.results_eq(
  $$select c.conname::text collate "default", c.condeferrable, c.condeferred
      from pg_catalog.pg_constraint c
     where c.conrelid in ('vigil.group_members'::regclass, 'vigil.escalations'::regclass) and c.contype = 'f'
     order by 1$$,
  $$values ('escalations_policy_fkey', true, true), ('escalations_route_id_fkey', true, true),
           ('group_members_route_id_group_key_fkey', true, true)$$,
  'the foreign keys of group members and escalations are deferred to commit');

-- Checked now rather than at commit (this test rolls back): still enforced.
set constraints all immediate;
select tap.throws_ok(
  $$insert into vigil.group_members (route_id, group_key, alert_id, check_name, series, fingerprint, status, severity,
                                     labels, summary, starts_at)
    values (-1, '{}', -1, 'c', 's', 'f', 'firing', 'warning', '{}', 'x', now())$$,
  '23503', null, 'a member of a group that does not exist is refused');
select tap.throws_ok(
  $$insert into vigil.escalations (alert_id, route_id, policy, started_at, next_at)
    select -1, r.id, 'no-such-policy', now(), now() from vigil.routes r where r.name = 'critical'$$,
  '23503', null, 'an escalation on a policy that does not exist is refused');
select tap.throws_ok(
  $$insert into vigil.escalations (alert_id, route_id, policy, started_at, next_at)
    values (-1, -1, 'db', now(), now())$$,
  '23503', null, 'an escalation on a route that does not exist is refused');

select * from tap.finish();
rollback;
