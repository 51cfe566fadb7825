-- Up Migration
-- 0009 worker: vigil.claim_deliveries gains p_skip_channels, the channels
-- the worker will not send to now (circuit breaker open, or rate limit
-- already spent), so that their rows stay pending in the outbox instead of
-- being claimed, held and given back again. The function is recreated by the
-- repeatable layer (sql/functions/claim_deliveries.sql); its old signature
-- goes here.
drop function if exists vigil.claim_deliveries(text, integer, interval, timestamptz);
