-- History backfills: one row per backfill, its place in the range (the window being read
-- and the page cursor in it), its counts, and why it waits when it does. A tenant has at
-- most one active backfill. Conversations a backfill brought name it, so its progress is
-- read from their sync status.
CREATE TABLE backfills (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  range_from TEXT NOT NULL,
  range_to TEXT NOT NULL,
  dry_run INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('running', 'held', 'done', 'cancelled')),
  window_from TEXT NOT NULL,          -- start of the window being read (range_to once all are read)
  page_after TEXT,                    -- the Relay cursor within that window, NULL at its start
  read_count INTEGER NOT NULL DEFAULT 0,      -- conversations iAdvize listed
  queued_count INTEGER NOT NULL DEFAULT 0,    -- new ones handed to the sync (a real run)
  failed_reads INTEGER NOT NULL DEFAULT 0,    -- dry run: conversations iAdvize would not read
  lead_count INTEGER NOT NULL DEFAULT 0,      -- dry run: conversations that would create a Lead
  calls_estimate INTEGER NOT NULL DEFAULT 0,  -- dry run: Salesforce API calls the real run would cost, none of its visitors in Salesforce yet
  calls_at_most INTEGER NOT NULL DEFAULT 0,   -- dry run: the same when some already are (each page's second write)
  hold_reason TEXT,
  hold_paths TEXT NOT NULL DEFAULT '[]',
  hold_step INTEGER NOT NULL DEFAULT 0,
  next_at TEXT NOT NULL,              -- when the next step is due
  lease_until TEXT,                   -- a step is under way until then
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE UNIQUE INDEX backfills_active ON backfills (tenant_id) WHERE status IN ('running', 'held');
CREATE INDEX backfills_tenant_created ON backfills (tenant_id, created_at);
CREATE INDEX backfills_status_next ON backfills (status, next_at);

ALTER TABLE conversations ADD COLUMN backfill_id TEXT;
CREATE INDEX conversations_backfill ON conversations (backfill_id, sync_status) WHERE backfill_id IS NOT NULL;
