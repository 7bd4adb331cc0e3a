-- Tenants, received webhook events, and the conversation state built from them.

-- One iAdvize project that installed the app: id as iAdvize writes it, e.g. 'ha-123'.
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  settings TEXT NOT NULL,          -- JSON of the settings that are not secret
  secrets TEXT NOT NULL,           -- AES-GCM ciphertext of the JSON of the secret ones
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Every accepted webhook event, kept until processed and after (the audit trail).
-- The primary key makes a retried delivery a no-op.
CREATE TABLE events (
  event_id TEXT PRIMARY KEY,
  correlation_id TEXT UNIQUE,
  delivery_id TEXT,
  event_type TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  conversation_id TEXT,
  payload TEXT NOT NULL,           -- the event as validated
  status TEXT NOT NULL CHECK (status IN ('received', 'awaiting_tenant', 'processed', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,                 -- an error code and our own message, never payload data
  received_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX events_status_received ON events (status, received_at);
CREATE INDEX events_tenant_status ON events (tenant_id, status);

-- What the events tell about each conversation.
CREATE TABLE conversations (
  tenant_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  channel TEXT,
  visitor_id TEXT,
  operator_ids TEXT NOT NULL DEFAULT '[]',   -- JSON array of numbers
  started_at TEXT,
  closed_at TEXT,
  satisfaction TEXT,                         -- JSON of the survey answers received
  transactions TEXT NOT NULL DEFAULT '[]',   -- JSON array of attributed transactions
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, conversation_id)
);
