-- The live iAdvize GraphQL schema of each tenant, as introspected (the preflight check
-- introspects afresh and keeps the result; the sync may reuse it for a day).
CREATE TABLE iadvize_schema (
  tenant_id TEXT PRIMARY KEY,
  introspection TEXT NOT NULL,   -- the `data` of the standard introspection query, JSON
  fetched_at TEXT NOT NULL
);
