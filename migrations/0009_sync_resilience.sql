-- Sync resilience: retries counted in time per conversation, tenant holds (contract
-- surprises and outage pauses), and indexes for what the cron runs every 5 minutes.

-- When the conversation may be tried next (pending), and since when it keeps failing.
ALTER TABLE conversations ADD COLUMN sync_due_at TEXT;
ALTER TABLE conversations ADD COLUMN sync_failing_since TEXT;
UPDATE conversations SET sync_due_at = updated_at WHERE sync_status IN ('pending', 'syncing');

-- A run claims a tenant's due conversations; the cron finds due ones left waiting,
-- expired leases, and transient failures of the last days.
CREATE INDEX conversations_due ON conversations (tenant_id, sync_status, sync_due_at);
CREATE INDEX conversations_status_due ON conversations (sync_status, sync_due_at);
CREATE INDEX conversations_status_lease ON conversations (sync_status, sync_lease_until);
CREATE INDEX conversations_status_updated ON conversations (sync_status, updated_at);

-- The cron's re-drive of events and its retention of processed ones.
CREATE INDEX events_status_updated ON events (status, updated_at);
-- The cron's search for lost escalation attempts and its retention.
CREATE INDEX escalations_status_updated ON escalations (status, updated_at);
CREATE INDEX escalations_created ON escalations (created_at);

-- One hold per tenant: its syncs wait (conversations stay pending, no attempt spent).
-- Contract holds (iadvize_schema_mismatch, salesforce_package_missing) have no `until`:
-- they last until fixed or re-checked; outage pauses end at `until`. `recheck_at` is when
-- the next probe may run; `step` is how many probes failed (the backoff step).
CREATE TABLE tenant_holds (
  tenant_id TEXT PRIMARY KEY,
  reason TEXT NOT NULL CHECK (reason IN ('iadvize_schema_mismatch', 'salesforce_package_missing', 'iadvize_unavailable', 'salesforce_unavailable', 'salesforce_request_limit')),
  paths TEXT NOT NULL DEFAULT '[]',   -- JSON array of Type.field / Object.Field__c names
  since TEXT NOT NULL,
  until TEXT,
  recheck_at TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tenant_holds_recheck ON tenant_holds (recheck_at);
