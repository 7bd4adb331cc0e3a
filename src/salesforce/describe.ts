// What the connector needs of an object's describe, checked with zod, and cached per
// tenant in D1 for a day so that it costs no API call per batch.
import * as z from "zod";

export const FieldDescribe = z.object({
  name: z.string(),
  type: z.string(),
  length: z.number().optional().default(0),
  createable: z.boolean(),
  updateable: z.boolean(),
  picklistValues: z
    .array(z.object({ value: z.string(), active: z.boolean() }))
    .optional()
    .default([]),
  restrictedPicklist: z.boolean().optional().default(false),
});
export type FieldDescribe = z.infer<typeof FieldDescribe>;

export const ObjectDescribe = z.object({ name: z.string(), fields: z.array(FieldDescribe.loose()) });

export type Fields = Map<string, FieldDescribe>;

export function fieldsOf(describe: z.infer<typeof ObjectDescribe>): Fields {
  return new Map(describe.fields.map((f) => [f.name, FieldDescribe.parse(f)]));
}

export const DESCRIBE_TTL_MS = 24 * 60 * 60 * 1000;

export async function cachedDescribes(db: D1Database, tenantId: string, objects: readonly string[], now: number): Promise<Map<string, Fields>> {
  const placeholders = objects.map((_, i) => `?${i + 2}`).join(",");
  const { results } = await db
    .prepare(`SELECT object, fields, fetched_at FROM salesforce_describe WHERE tenant_id = ?1 AND object IN (${placeholders})`)
    .bind(tenantId, ...objects)
    .all<{ object: string; fields: string; fetched_at: string }>();
  const out = new Map<string, Fields>();
  for (const row of results) {
    if (now - Date.parse(row.fetched_at) > DESCRIBE_TTL_MS) continue;
    const parsed = z.array(FieldDescribe).safeParse(JSON.parse(row.fields));
    if (parsed.success) out.set(row.object, new Map(parsed.data.map((f) => [f.name, f])));
  }
  return out;
}

export async function storeDescribe(db: D1Database, tenantId: string, object: string, fields: Fields, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO salesforce_describe (tenant_id, object, fields, fetched_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (tenant_id, object) DO UPDATE SET fields = excluded.fields, fetched_at = excluded.fetched_at`,
    )
    .bind(tenantId, object, JSON.stringify([...fields.values()]), new Date(now).toISOString())
    .run();
}
