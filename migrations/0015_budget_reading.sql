-- When the org's API counter (Sforce-Limit-Info or /limits) was last read, per tenant and
-- day: the budget tiers judge the org's used share from it, and probe it again when old.
ALTER TABLE salesforce_usage ADD COLUMN api_read_at TEXT;
UPDATE salesforce_usage SET api_read_at = updated_at WHERE api_used IS NOT NULL;
CREATE INDEX salesforce_usage_read ON salesforce_usage (tenant_id, api_read_at);
