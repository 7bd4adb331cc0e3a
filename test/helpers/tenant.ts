// A complete tenant for sync tests: its own iAdvize user and Salesforce org on the emulators.
import { env } from "cloudflare:workers";
import type { SeedConversation } from "../emulators/iadvize/seed.ts";
import { DEMO_MAPPING } from "../emulators/salesforce/seed.ts";
import { admin } from "./admin.ts";
import { newUser, seedConversation } from "./iadvize.ts";
import { newOrg, salesforceSettings } from "./salesforce.ts";
import type { TestOrg } from "./salesforce.ts";
import { uniqueProjectId } from "./ids.ts";

export interface SyncTenant {
  tenantId: string;
  projectId: number;
  org: TestOrg;
  /** The tenant's iAdvize API user on the emulator (for faults and schema variants). */
  iadvizeUser: { username: string; password: string };
}

export async function newSyncTenant(
  opts: {
    org?: Record<string, unknown>;
    salesforce?: Record<string, unknown>;
    mapping?: Record<string, unknown>;
    budget?: Record<string, unknown>;
    followUp?: Record<string, unknown>;
  } = {},
): Promise<SyncTenant> {
  const projectId = uniqueProjectId();
  const tenantId = `ha-${projectId}`;
  const user = await newUser();
  const org = await newOrg(opts.org);
  const res = await admin("PUT", `/tenants/${tenantId}`, {
    name: "Sync test",
    iadvize: user,
    salesforce: salesforceSettings(org, opts.salesforce),
    mapping: opts.mapping ?? DEMO_MAPPING,
    ...(opts.budget ? { budget: opts.budget } : {}),
    ...(opts.followUp ? { followUp: opts.followUp } : {}),
  });
  if (res.status !== 201) throw new Error(`tenant setup: ${res.status} ${await res.text()}`);
  return { tenantId, projectId, org, iadvizeUser: user };
}

/** A seeded iAdvize conversation of this tenant, closed in D1 and waiting for its sync (as the event consumer leaves it). */
export async function pendingConversation(t: SyncTenant, overrides: Partial<SeedConversation> = {}, at?: Date): Promise<SeedConversation> {
  const seeded = await seedConversation({ projectId: t.projectId, visitor: { ...(await import("../emulators/iadvize/seed.ts")).CAR_DEALER.visitor, id: crypto.randomUUID() }, ...overrides });
  await env.DB.prepare(
    `INSERT INTO conversations (tenant_id, conversation_id, status, channel, visitor_id, operator_ids, started_at, closed_at, updated_at, sync_status, sync_due_at)
     VALUES (?1, ?2, 'closed', 'CHAT', ?3, '[45012]', ?4, ?5, ?6, 'pending', ?7)`,
  )
    .bind(t.tenantId, seeded.id, seeded.visitor.id, seeded.createdAt, seeded.closedAt, new Date().toISOString(), (at ?? new Date()).toISOString())
    .run();
  return seeded;
}

export async function syncState(t: SyncTenant, conversationId: string) {
  return env.DB.prepare(
    `SELECT sync_status, sync_error, sync_warnings, sf_match, sf_lead_id, sf_contact_id, sf_conversation_id, sync_attempts, sync_due_at, sync_failing_since
     FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`,
  )
    .bind(t.tenantId, conversationId)
    .first<{ sync_status: string; sync_error: string | null; sync_warnings: string | null; sf_match: string | null; sf_lead_id: string | null; sf_contact_id: string | null; sf_conversation_id: string | null; sync_attempts: number; sync_due_at: string | null; sync_failing_since: string | null }>();
}
