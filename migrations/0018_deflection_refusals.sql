-- Refusals made before any message (no consent, a number that cannot be texted, a limit
-- reached) are counted, not listed one by one: one row per tenant, reason, consent,
-- country and minute, with the number of requests it stands for. An IVR that loops on a
-- bad request can no longer add a row per request.
ALTER TABLE deflections ADD COLUMN requests INTEGER NOT NULL DEFAULT 1;
ALTER TABLE deflections ADD COLUMN refusal_key TEXT;   -- reason|consent|country|minute, NULL for the requests that went on
CREATE UNIQUE INDEX deflections_refusal ON deflections (tenant_id, refusal_key) WHERE refusal_key IS NOT NULL;
