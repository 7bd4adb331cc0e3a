// The admin API's OpenAPI description is generated from the schemas the API checks with:
// what the PUT accepts is what the document says, down to the refused unknown fields.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE } from "../helpers/webhook.ts";

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  pattern?: string;
}

describe("admin OpenAPI", () => {
  it("describes every tenant route with the TenantInput schema, beside the escalation description", async () => {
    const res = await exports.default.fetch(`${BASE}/admin/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json<{ openapi: string; components: { schemas: Record<string, Schema> }; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> }; parameters?: { name: string; schema: Schema }[] }>> }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/admin/api/tenants",
      "/admin/api/tenants/{tenantId}",
      "/admin/api/tenants/{tenantId}/backfill",
      "/admin/api/tenants/{tenantId}/budget",
      "/admin/api/tenants/{tenantId}/check",
      "/admin/api/tenants/{tenantId}/deflections",
      "/admin/api/tenants/{tenantId}/escalations",
      "/admin/api/tenants/{tenantId}/redrive",
      "/admin/api/tenants/{tenantId}/surveys/{surveyId}/results",
      "/admin/api/tenants/{tenantId}/surveys/{surveyId}/summary",
    ]);
    const put = doc.paths["/admin/api/tenants/{tenantId}"]?.put;
    const ref = put?.requestBody?.content["application/json"]?.schema.$ref;
    expect(ref).toBe("#/components/schemas/TenantInput");
    const body = doc.components.schemas.TenantInput;
    expect(Object.keys(body?.properties ?? {}).sort()).toEqual(["budget", "deflection", "escalation", "followUp", "iadvize", "mapping", "name", "salesforce", "surveys"]);
    expect(body?.additionalProperties).toBe(false);
    expect(put?.parameters?.find((p) => p.name === "tenantId")?.schema.pattern).toBe("^(ha|sd)-[1-9]\\d{0,15}$");

    const escalation = await (await exports.default.fetch(`${BASE}/escalations/openapi.json`)).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> };
    }>();
    expect(Object.keys(escalation.paths).sort()).toEqual(["/escalations/callback", "/escalations/{key}/callback"]);
    // The answers the endpoint gives today: other methods are 405, the number reasons include the newer ones.
    expect(Object.keys(escalation.paths["/escalations/{key}/callback"]?.post?.responses ?? {})).toContain("405");
    expect(escalation.components.schemas.EscalationAnswer?.properties.reason?.enum).toEqual(expect.arrayContaining(["ambiguous_country", "extension_not_supported"]));
  });
});
