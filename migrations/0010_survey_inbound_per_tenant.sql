-- A reply's message id is unique per provider AND tenant: generic-webhook platforms
-- number their messages themselves, so two tenants' ids can be equal.
CREATE TABLE survey_inbound_new (
  provider TEXT NOT NULL,
  message_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  session_id TEXT,
  outcome TEXT NOT NULL,           -- answered | invalid | unavailable | not_found | opted_out | opted_in | ignored | ...
  received_at TEXT NOT NULL,
  note TEXT,                       -- for a notice: notice_queued | notice_capped | notice_withheld:<phone problem>
  PRIMARY KEY (provider, tenant_id, message_id)
);
INSERT INTO survey_inbound_new (provider, message_id, tenant_id, session_id, outcome, received_at)
  SELECT provider, message_id, tenant_id, session_id, outcome, received_at FROM survey_inbound;
DROP TABLE survey_inbound;
ALTER TABLE survey_inbound_new RENAME TO survey_inbound;
