// The key of the phone-number hashes: made once, kept in D1 sealed with ENCRYPTION_KEY
// (any listed key opens it, the newest re-seals it), so a rotation changes no hash and
// forgets no opt-out. Concurrent first uses agree: INSERT OR IGNORE, then read.
import { decrypt, encrypt } from "../secrets/cipher.ts";
import { directoryOf } from "../tenants/placement.ts";

const CONTEXT = "hashing-key/phone";
/** Per isolate, by the ENCRYPTION_KEY list it was opened with. */
const cache = new Map<string, Promise<string>>();

export function hashingKey(db: D1Database, keys: readonly string[]): Promise<string> {
  const id = keys.join(",");
  let key = cache.get(id);
  if (!key) {
    // One key for every tenant, whichever database holds its rows: kept in the directory.
    key = load(directoryOf(db), keys);
    cache.set(id, key);
    key.catch(() => cache.delete(id));
  }
  return key;
}

function randomKey(): string {
  let s = "";
  for (const b of crypto.getRandomValues(new Uint8Array(32))) s += String.fromCharCode(b);
  return btoa(s);
}

/**
 * The first key made: a deployment that already holds hashes made with the first
 * ENCRYPTION_KEY (before this table existed) keeps that key, so its opt-outs still match.
 */
async function firstKey(db: D1Database, keys: readonly string[]): Promise<string> {
  const legacy = await db
    .prepare(`SELECT EXISTS (SELECT 1 FROM survey_optouts) OR EXISTS (SELECT 1 FROM survey_sessions WHERE phone_hash IS NOT NULL) OR EXISTS (SELECT 1 FROM escalations) AS x`)
    .first<number>("x");
  return legacy && keys[0] ? keys[0] : randomKey();
}

async function load(db: D1Database, keys: readonly string[]): Promise<string> {
  const read = () => db.prepare(`SELECT sealed FROM hashing_keys WHERE id = 'phone'`).first<string>("sealed");
  let sealed = await read();
  if (sealed === null) {
    const at = new Date().toISOString();
    await db
      .prepare(`INSERT OR IGNORE INTO hashing_keys (id, sealed, created_at, updated_at) VALUES ('phone', ?1, ?2, ?2)`)
      .bind(await encrypt(keys, await firstKey(db, keys), CONTEXT), at)
      .run();
    sealed = await read();
    if (sealed === null) throw new Error("hashing key not stored");
  }
  const newest = keys.slice(0, 1);
  const underNewest = await decrypt(newest, sealed, CONTEXT).catch(() => null);
  if (underNewest !== null) return underNewest;
  // Sealed with an older key: open it with any, and re-seal it with the newest (unless another did).
  const key = await decrypt(keys, sealed, CONTEXT);
  await db
    .prepare(`UPDATE hashing_keys SET sealed = ?1, updated_at = ?2 WHERE id = 'phone' AND sealed = ?3`)
    .bind(await encrypt(keys, key, CONTEXT), new Date().toISOString(), sealed)
    .run();
  return key;
}
