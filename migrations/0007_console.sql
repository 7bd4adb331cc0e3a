-- The setup console: sign-in attempts counted per IP and per tenant (brute-force
-- throttling), and what "Connect Salesforce" learnt about the org it connected.
CREATE TABLE signin_attempts (
  key TEXT PRIMARY KEY,          -- ip:<address> or tenant:<id>
  window_start TEXT NOT NULL,
  attempts INTEGER NOT NULL
);

CREATE TABLE salesforce_connections (
  tenant_id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  username TEXT NOT NULL,        -- the Salesforce user who consented (shown to the tenant's admin only)
  instance_url TEXT NOT NULL,
  api_max INTEGER,
  api_remaining INTEGER,
  connected_at TEXT NOT NULL
);
