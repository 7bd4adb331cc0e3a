// The Lead and Conversation fields a tagged answer may go to, read from the org's
// describe in one composite call: label, API name, type, length, picklist values, and
// whether the connector can write an answer there (the sync's own rule, validateMapping).
import * as z from "zod";
import type { Config } from "../env.ts";
import { FieldDescribe } from "../salesforce/describe.ts";
import type { Fields } from "../salesforce/describe.ts";
import { salesforceApiFor } from "../salesforce/for-tenant.ts";
import { validateMapping } from "../salesforce/mapping.ts";
import { API_VERSION, CONVERSATION, WRITTEN_CUSTOM_FIELDS } from "../salesforce/model.ts";
import type { TenantConfig } from "../tenants/schema.ts";

export const TargetObjects = ["Lead", "Conversation"] as const;
export type TargetObject = (typeof TargetObjects)[number];

export interface TargetField {
  object: TargetObject;
  name: string;
  label: string;
  type: string;
  length: number;
  picklist: string[];
  choosable: boolean;
  describe: FieldDescribe;
}

const Described = z.object({ fields: z.array(FieldDescribe.extend({ label: z.string().optional() }).loose()) });

const SOBJECT: Record<TargetObject, string> = { Lead: "Lead", Conversation: CONVERSATION.object };

export async function targetFields(db: D1Database, config: Pick<Config, "ENCRYPTION_KEY">, tenantId: string, tenant: TenantConfig): Promise<TargetField[]> {
  const api = salesforceApiFor(db, config, tenantId, tenant);
  const answers = await api.composite(
    TargetObjects.map((o) => ({ method: "GET" as const, url: `/services/data/v${API_VERSION}/sobjects/${SOBJECT[o]}/describe`, referenceId: o })),
    { autoAssign: false },
  );
  const byObject = new Map<TargetObject, z.infer<typeof Described>["fields"]>();
  for (const a of answers) {
    const parsed = Described.safeParse(a.body);
    if (a.httpStatusCode === 200 && parsed.success) byObject.set(a.referenceId as TargetObject, parsed.data.fields);
  }
  const fieldsOf = (o: TargetObject): Fields => new Map((byObject.get(o) ?? []).map((f) => [f.name, FieldDescribe.parse(f)]));
  const describes = { Lead: fieldsOf("Lead"), Conversation: fieldsOf("Conversation") };
  return TargetObjects.flatMap((object) =>
    (byObject.get(object) ?? []).map((f) => {
      const describe = FieldDescribe.parse(f);
      const { usable } = validateMapping({ probe: { object, field: f.name, overwrite: false } }, describes);
      return {
        object,
        name: f.name,
        label: f.label ?? f.name,
        type: f.type,
        length: describe.length,
        picklist: describe.picklistValues.filter((p) => p.active).map((p) => p.value),
        // The connector's own fields are written by the sync, never by an answer.
        choosable: usable.length === 1 && !(WRITTEN_CUSTOM_FIELDS[SOBJECT[object]] ?? []).includes(f.name),
        describe,
      };
    }),
  );
}
