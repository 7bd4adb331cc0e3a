-- Call to messaging: every request an IVR makes to move a caller to a text channel, its
-- outcome, and the keys that authenticate the IVRs.

-- The key is high-entropy and random: its SHA-256 finds the tenant, the key itself is not kept.
CREATE TABLE deflection_keys (
  key_hash TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL UNIQUE
);

CREATE TABLE deflections (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('requested', 'sent', 'rejected', 'retrying', 'failed', 'unknown_outcome')),
  reason TEXT,                  -- a code, never a number or a text
  provider TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('notify', 'start')),
  channel TEXT,                 -- the channel the provider used: SMS, WhatsApp, AppleMessages, GoogleMessages
  provider_ref TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  phone_hash TEXT NOT NULL,     -- keyed hash of the E.164 number: limits and the link to a later conversation
  idem_hash TEXT NOT NULL,      -- keyed hash of the IVR's callId (the row id when none): one callId, one message
  details TEXT NOT NULL,        -- AES-GCM sealed JSON: number, reason, topic, fields (needed for retries)
  country TEXT,
  language TEXT NOT NULL,
  consent INTEGER,              -- 1 when the caller opted in, 0 when refused, NULL when not said
  conversation_id TEXT,         -- the iAdvize conversation it led to, once one is linked
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX deflections_tenant_created ON deflections (tenant_id, created_at);
CREATE INDEX deflections_phone_created ON deflections (tenant_id, phone_hash, created_at);
CREATE INDEX deflections_idem ON deflections (tenant_id, idem_hash, created_at);
CREATE INDEX deflections_status_updated ON deflections (status, updated_at);
CREATE INDEX deflections_created ON deflections (created_at);
