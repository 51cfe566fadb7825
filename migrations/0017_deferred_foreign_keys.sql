-- Up Migration
-- 0017 deferred foreign keys: the foreign keys of the rows vigil._notify and
-- vigil._escalate insert by the thousand in a storm (a group member for
-- every alert routed, an escalation for every alert that starts one) are
-- checked at commit instead of at the end of each statement.
--
-- Why: both functions run with plan_cache_mode = force_custom_plan (their
-- statements pass sets as arrays, and only a custom plan knows an array's
-- length), and PostgreSQL's foreign-key check of each inserted row is a
-- cached query that obeys the same setting, so every one of them was planned
-- anew: at 10,000 alerts, about 400 ms of a storm tick's 822 ms. At commit
-- the function's setting is over, and the check keeps one plan.
--
-- What changes for a DBA: nothing they can see. A violation (a route or
-- policy removed while a tick routes to it) still fails the transaction,
-- at its commit rather than in the statement; ON DELETE CASCADE still
-- happens at once (referential actions are never deferred).

alter table vigil.group_members
  alter constraint group_members_route_id_group_key_fkey deferrable initially deferred;
alter table vigil.escalations
  alter constraint escalations_route_id_fkey deferrable initially deferred;
alter table vigil.escalations
  alter constraint escalations_policy_fkey deferrable initially deferred;
