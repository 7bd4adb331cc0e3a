-- How a conversation reached the connector: 'live' (webhooks) or 'backfill' (history import).
-- The Salesforce budget tiers read it: backfill work pauses first, live follow-up of open
-- conversations next, the on-close sync last.
ALTER TABLE conversations ADD COLUMN origin TEXT NOT NULL DEFAULT 'live';
