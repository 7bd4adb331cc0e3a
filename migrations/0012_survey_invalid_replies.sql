-- Invalid replies are counted per question: after the tenant's limit the session ends as
-- 'abandoned' (an auto-responder cannot keep an exchange going). SQLite cannot change a
-- CHECK constraint in place: the table is rebuilt, its rows and indexes kept.
CREATE TABLE survey_sessions_new (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  survey_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'expired', 'opted_out', 'failed', 'superseded', 'abandoned')),
  current_element TEXT,
  language TEXT NOT NULL,
  origin TEXT NOT NULL,
  origin_key TEXT NOT NULL,
  client_reference TEXT,
  conversation_id TEXT,
  escalation_id TEXT,
  phone_hash TEXT,
  contact TEXT,
  variables TEXT NOT NULL DEFAULT '{}',
  step TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  purge_at TEXT NOT NULL,
  ended_at TEXT,
  sf_status TEXT NOT NULL DEFAULT 'none' CHECK (sf_status IN ('none', 'pending', 'written', 'failed')),
  sf_record_id TEXT,
  sf_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  invalid_replies INTEGER NOT NULL DEFAULT 0  -- invalid replies to the current question
);
INSERT INTO survey_sessions_new (id, tenant_id, survey_id, status, current_element, language, origin, origin_key, client_reference, conversation_id, escalation_id,
  phone_hash, contact, variables, step, expires_at, purge_at, ended_at, sf_status, sf_record_id, sf_error, created_at, updated_at)
  SELECT id, tenant_id, survey_id, status, current_element, language, origin, origin_key, client_reference, conversation_id, escalation_id,
  phone_hash, contact, variables, step, expires_at, purge_at, ended_at, sf_status, sf_record_id, sf_error, created_at, updated_at FROM survey_sessions;
DROP TABLE survey_sessions;
ALTER TABLE survey_sessions_new RENAME TO survey_sessions;
CREATE UNIQUE INDEX survey_sessions_origin ON survey_sessions (tenant_id, origin_key);
CREATE INDEX survey_sessions_phone ON survey_sessions (tenant_id, phone_hash, created_at);
CREATE INDEX survey_sessions_survey ON survey_sessions (tenant_id, survey_id, created_at);
CREATE INDEX survey_sessions_expiry ON survey_sessions (status, expires_at);
CREATE INDEX survey_sessions_purge ON survey_sessions (purge_at) WHERE contact IS NOT NULL;
CREATE INDEX survey_sessions_sf ON survey_sessions (sf_status, updated_at);
