// What the intake benchmarks send: signed `conversation.closed` deliveries, and the one tenant they go to.
import { signatureFor } from "../../src/webhooks/signature.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import type { PreparedRequest } from "./load.ts";

/** `count` signed deliveries of `conversation.closed`, each with its own event and conversation id. */
export async function signedClosedEvents(secret: string, count: number): Promise<PreparedRequest[]> {
  const out: PreparedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({ ...fixtures.conversationClosed, eventId: crypto.randomUUID(), conversationId: crypto.randomUUID() });
    out.push({
      path: "/webhooks/iadvize",
      headers: {
        "content-type": "application/json",
        "x-iadvize-signature": await signatureFor(secret, body),
        "x-iadvize-correlationid": crypto.randomUUID(),
      },
      body,
    });
  }
  return out;
}

/** Configures tenant ha-3291 (the fixtures' project), so the consumer would find real work. */
export async function putBenchTenant(origin: string, adminToken: string): Promise<void> {
  const put = await fetch(new URL("/admin/api/tenants/ha-3291", origin), {
    method: "PUT",
    headers: { host: "connector.bench", authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      name: "Bench",
      iadvize: { username: "bench@acme.example", password: "pw" },
      salesforce: { loginUrl: "https://login.salesforce.com", auth: { type: "client_credentials", clientId: "bench", clientSecret: "s" } },
    }),
  });
  if (put.status !== 201) throw new Error(`tenant setup answered ${put.status} ${await put.text()}`);
}
