-- vigil.check_multixact_wraparound: how close each database is to
-- multixact ID wraparound.
--
-- Why: a multixact ID is created when several transactions lock the same row
-- (SELECT ... FOR SHARE / FOR KEY SHARE, which every foreign-key check takes).
-- Multixact IDs are 32 bits too and wrap around after about 2^31; like XIDs,
-- they must be frozen by VACUUM, and a database that gets too close stops
-- assigning new ones (writes that need a multixact fail) until it is
-- vacuumed. Autovacuum forces an anti-wraparound vacuum once
-- mxid_age(datminmxid) passes autovacuum_multixact_freeze_max_age (default
-- 400 million), so 100 percent here means "that vacuum is due".
--
-- The value is mxid_age(datminmxid) as a percent of
-- autovacuum_multixact_freeze_max_age. Warning at 200 (autovacuum has been
-- trying for a whole freeze_max_age and not finished). Critical at 400, not
-- 500 as for XIDs: with the default setting of 400 million, wraparound is at
-- about 537 percent (2^31 / 400 million), so 500 would leave only 7 percent of
-- the space; 400 (1.6 billion, 75 percent of the space) leaves time to act.
-- check_postgres has no multixact action; its txn_wraparound thresholds (1.3
-- and 1.4 billion of 2^31) are the model for "alert well before the end".
-- Heavy multixact use can also exhaust the member space before the IDs run
-- out; autovacuum then lowers its effective freeze age by itself, so this
-- check may read high earlier than the ID count alone suggests.
--
-- The rows come from vigil._wraparound('mxid'), which xid_wraparound shares;
-- the hint is this check's own.
create or replace function vigil.check_multixact_wraparound(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  select w.series, w.value, w.labels,
         w.detail || pg_catalog.jsonb_build_object(
           'hint', 'Above 100 percent autovacuum should be running anti-wraparound vacuums. If the age keeps growing, look for what holds back the horizon (long transactions, prepared transactions, replication slots) and VACUUM the tables with the oldest mxid_age(relminmxid).')
    from vigil._wraparound('mxid') w
$$;

comment on function vigil.check_multixact_wraparound(jsonb) is
  'Multixact ID wraparound risk, one row per database: mxid_age(datminmxid) as a percent of autovacuum_multixact_freeze_max_age (100 = anti-wraparound autovacuum is due; wraparound is at about 537 with the default setting of 400 million). Reads pg_database and the autovacuum_multixact_freeze_max_age setting. Default thresholds: warning 200, critical 400 percent (75 percent of the 2^31 space), modelled on check_postgres txn_wraparound, which alerts at 1.3 and 1.4 billion of 2^31 XIDs; check_postgres has no multixact action.';
