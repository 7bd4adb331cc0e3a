// Dead events and failed conversations of a tenant queued again; shared by the admin API and the console.
import type { Bindings } from "../env.ts";
import { reviveDead } from "../events/store.ts";
import { hasPending, requeueFailed } from "../conversations/sync-store.ts";
import { log } from "../log.ts";
import { enqueueAll } from "../queues.ts";
import { tenantDb } from "./placement.ts";

export async function redriveTenant(env: Bindings, id: string, now: Date): Promise<{ events: number; conversations: number }> {
  const events = await reviveDead(tenantDb(env, id), id, now);
  await enqueueAll(
    env.CONVERSATION_QUEUE,
    events.map((eventId) => ({ kind: "stored" as const, eventId, tenantId: id })),
  );
  const conversations = await requeueFailed(tenantDb(env, id), id, now);
  if (conversations > 0 || (await hasPending(tenantDb(env, id), id))) await env.SYNC_QUEUE.send({ tenantId: id });
  log.info("tenant.redriven", { tenantId: id, events: events.length, conversations });
  return { events: events.length, conversations };
}
