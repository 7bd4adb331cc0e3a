-- Live follow-up of open conversations: where each followed conversation's reading
-- stopped (the messages cursor), the messages read so far (sealed, dropped when the
-- following ends), and when it last showed activity (the poll schedule and the 7-day
-- idle stop read it). A row exists only while the conversation is followed.
CREATE TABLE follow_ups (
  tenant_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  cursor TEXT,                      -- endCursor of the last page of messages read
  cache TEXT,                       -- AES-GCM sealed JSON of the messages read so far
  last_activity_at TEXT NOT NULL,   -- the latest push or message
  polls INTEGER NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, conversation_id)
);

-- The latest v2.conversation.pushed of a conversation: a push after its close reopens it.
ALTER TABLE conversations ADD COLUMN last_pushed_at TEXT;
