-- Salesforce sync state of each conversation, the describe cache, and API usage per tenant.
ALTER TABLE conversations ADD COLUMN sync_status TEXT NOT NULL DEFAULT 'none'
  CHECK (sync_status IN ('none', 'pending', 'syncing', 'synced', 'failed'));
ALTER TABLE conversations ADD COLUMN sync_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN sync_lease_until TEXT;
ALTER TABLE conversations ADD COLUMN sync_error TEXT;       -- JSON {code, fields, detail}: codes and field names, no values
ALTER TABLE conversations ADD COLUMN sync_warnings TEXT;    -- JSON array of {code, tag, field}
ALTER TABLE conversations ADD COLUMN synced_at TEXT;
ALTER TABLE conversations ADD COLUMN synced_hash TEXT;      -- what was written, to skip a sync that would change nothing
ALTER TABLE conversations ADD COLUMN sf_match TEXT;         -- contact | lead | converted_lead | new_lead | no_contact_details
ALTER TABLE conversations ADD COLUMN sf_conversation_id TEXT;
ALTER TABLE conversations ADD COLUMN sf_lead_id TEXT;
ALTER TABLE conversations ADD COLUMN sf_contact_id TEXT;
CREATE INDEX conversations_sync ON conversations (tenant_id, sync_status, updated_at);

CREATE TABLE salesforce_describe (
  tenant_id TEXT NOT NULL,
  object TEXT NOT NULL,
  fields TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, object)
);

-- What the connector costs each tenant in Salesforce API calls, per UTC day, and the
-- org's own counter as Sforce-Limit-Info last reported it.
CREATE TABLE salesforce_usage (
  tenant_id TEXT NOT NULL,
  day TEXT NOT NULL,
  calls INTEGER NOT NULL DEFAULT 0,
  conversations INTEGER NOT NULL DEFAULT 0,
  api_used INTEGER,
  api_limit INTEGER,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, day)
);
