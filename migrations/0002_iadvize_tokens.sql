-- iAdvize access tokens, shared by every isolate: a token lasts 24 h and iAdvize allows
-- 10 logins per minute per user, so each tenant logs in once and everyone reuses it.
CREATE TABLE iadvize_tokens (
  tenant_id TEXT PRIMARY KEY,
  token TEXT,                 -- AES-GCM sealed, like tenant secrets
  expires_at TEXT,            -- when to stop using it (a margin before iAdvize's expiry)
  lease_until TEXT            -- while set in the future, one isolate is logging in
);
