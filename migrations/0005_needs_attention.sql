-- A conversation synced with something a person should look at (a message whose author
-- could not be told): JSON {code, count, types}, GraphQL type names only, no content.
ALTER TABLE conversations ADD COLUMN needs_attention TEXT;
CREATE INDEX conversations_attention ON conversations (tenant_id, needs_attention) WHERE needs_attention IS NOT NULL;
