-- Access tokens of the services we call (iAdvize, Salesforce), one per tenant and
-- service, shared by every isolate: iAdvize allows 10 logins a minute per user, so each
-- tenant logs in once and everyone reuses the token until it expires or is refused.
CREATE TABLE access_tokens (
  tenant_id TEXT NOT NULL,
  service TEXT NOT NULL,      -- 'iadvize' | 'salesforce'
  token TEXT,                 -- AES-GCM sealed JSON, like tenant secrets
  expires_at TEXT,            -- when to stop using it (a margin before the service's expiry)
  lease_until TEXT,           -- while in the future, one isolate is logging in
  PRIMARY KEY (tenant_id, service)
);
