-- The key of the keyed phone-number hashes (opt-outs, limits, session lookup): random,
-- made once, sealed with ENCRYPTION_KEY, so rotating ENCRYPTION_KEY changes no hash.
CREATE TABLE hashing_keys (
  id TEXT PRIMARY KEY CHECK (id = 'phone'),
  sealed TEXT NOT NULL,            -- AES-GCM sealed base64 of the key
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
