-- Two-way SMS surveys: the keys and sender numbers that find a tenant, the sessions
-- (one survey sent to one number), their answers, the SMS to send, the replies
-- received (each handled once) and the numbers that opted out.

-- The send endpoint's key: its SHA-256 finds the tenant, the key itself is not kept.
CREATE TABLE survey_keys (
  key_hash TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL UNIQUE
);

-- The tenant's own sender number (or sender id) at each provider: replies arrive on it.
CREATE TABLE survey_senders (
  provider TEXT NOT NULL,
  address TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  PRIMARY KEY (provider, address)
);

CREATE TABLE survey_sessions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  survey_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'expired', 'opted_out', 'failed', 'superseded')),
  current_element TEXT,            -- the question waiting for an answer
  language TEXT NOT NULL,
  origin TEXT NOT NULL,            -- 'api' | 'callback' | 'conversation'
  origin_key TEXT NOT NULL,        -- what makes a repeated send the same send (hashes and ids, no number)
  client_reference TEXT,
  conversation_id TEXT,            -- the iAdvize conversation whose Salesforce record gets the results
  escalation_id TEXT,
  phone_hash TEXT,                 -- keyed hash of the E.164 number; NULL once the retention period is over
  contact TEXT,                    -- AES-GCM sealed JSON: number and personal session variables; NULL after retention
  variables TEXT NOT NULL DEFAULT '{}', -- JSON of the session variables that carry no personal data
  step TEXT NOT NULL,              -- changes on every reply handled: two concurrent replies cannot both apply
  expires_at TEXT NOT NULL,
  purge_at TEXT NOT NULL,          -- when the number and personal variables are dropped
  ended_at TEXT,
  sf_status TEXT NOT NULL DEFAULT 'none' CHECK (sf_status IN ('none', 'pending', 'written', 'failed')),
  sf_record_id TEXT,
  sf_error TEXT,                   -- a Salesforce error code and field names, never values
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX survey_sessions_origin ON survey_sessions (tenant_id, origin_key);
CREATE INDEX survey_sessions_phone ON survey_sessions (tenant_id, phone_hash, created_at);
CREATE INDEX survey_sessions_survey ON survey_sessions (tenant_id, survey_id, created_at);
CREATE INDEX survey_sessions_expiry ON survey_sessions (status, expires_at);
CREATE INDEX survey_sessions_purge ON survey_sessions (purge_at) WHERE contact IS NOT NULL;
CREATE INDEX survey_sessions_sf ON survey_sessions (sf_status, updated_at);

CREATE TABLE survey_answers (
  session_id TEXT NOT NULL,
  element_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  survey_id TEXT NOT NULL,
  kind TEXT NOT NULL,              -- scale | dropdown | multiple_choice | yes_no | free_text
  value TEXT,                      -- JSON of the stored value; NULL for free text
  text TEXT,                       -- free text, AES-GCM sealed
  answered_at TEXT NOT NULL,
  PRIMARY KEY (session_id, element_id)
);
CREATE INDEX survey_answers_survey ON survey_answers (tenant_id, survey_id, element_id);

-- Every SMS the connector sends, in order within its group (one send, or one reply
-- handled): the queue sends one, then the next two seconds later.
CREATE TABLE survey_outbox (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  session_id TEXT,
  group_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,              -- question | text | completion | error | notice
  phone_hash TEXT NOT NULL,
  payload TEXT,                    -- AES-GCM sealed JSON {to, text}; NULL once sent
  status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  provider_ref TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (group_id, seq)
);
CREATE INDEX survey_outbox_status ON survey_outbox (status, updated_at);
CREATE INDEX survey_outbox_notices ON survey_outbox (tenant_id, phone_hash, kind, created_at);

-- Replies received, by the provider's message id: a retried delivery is handled once.
CREATE TABLE survey_inbound (
  provider TEXT NOT NULL,
  message_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  session_id TEXT,
  outcome TEXT NOT NULL,           -- answered | invalid | unavailable | not_found | opted_out | opted_in
  received_at TEXT NOT NULL,
  PRIMARY KEY (provider, message_id)
);

-- Numbers that replied STOP (or the provider refused as unsubscribed): no later survey.
CREATE TABLE survey_optouts (
  tenant_id TEXT NOT NULL,
  phone_hash TEXT NOT NULL,
  source TEXT NOT NULL,            -- keyword | provider
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, phone_hash)
);
