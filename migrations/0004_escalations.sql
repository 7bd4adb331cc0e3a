-- Chat-to-call escalations: every request a bot makes, its outcome, and the keys that
-- authenticate the bots' API connections.

-- The key is high-entropy and random: its SHA-256 finds the tenant, the key itself is not kept.
CREATE TABLE escalation_keys (
  key_hash TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL UNIQUE
);

CREATE TABLE escalations (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  conversation_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('requested', 'scheduled', 'rejected', 'retrying', 'failed', 'unknown_outcome')),
  reason TEXT,                  -- a code, never a number or a name
  provider TEXT NOT NULL,
  provider_ref TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  phone_hash TEXT NOT NULL,     -- keyed hash of the E.164 number: rate limits and idempotence without the number
  idem_hash TEXT NOT NULL,
  details TEXT NOT NULL,        -- AES-GCM sealed JSON: number, name, reason, preferred time (needed for retries)
  country TEXT,
  language TEXT NOT NULL,
  consent INTEGER,              -- 1 when the visitor agreed to be called, NULL when not said
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX escalations_tenant_created ON escalations (tenant_id, created_at);
CREATE INDEX escalations_phone_created ON escalations (tenant_id, phone_hash, created_at);
CREATE INDEX escalations_idem ON escalations (tenant_id, idem_hash, created_at);
CREATE INDEX escalations_conversation ON escalations (tenant_id, conversation_id);
