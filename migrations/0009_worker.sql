-- Up Migration
-- 0009 worker: vigil.claim_deliveries gains p_skip_channels, the channels
-- the worker will not send to now (circuit breaker open, or rate limit
-- already spent), so that their rows stay pending in the outbox instead of
-- being claimed, held and given back again. The function is recreated by the
-- repeatable layer (sql/functions/claim_deliveries.sql); its old signature
-- goes here.
drop function if exists vigil.claim_deliveries(text, integer, interval, timestamptz);

comment on column vigil.channels.disabled_at is 'When the channel was disabled: automatically (a 410 Gone, see disabled_reason) or with vigil.disable_channel; null while enabled.';
comment on column vigil.channels.disabled_reason is 'Why the channel was disabled, e.g. ''receiver answered 410 Gone'' (vigil.settle_delivery) or the reason given to vigil.disable_channel; null while enabled. vigil.enable_channel clears it.';
