// Drives the iAdvize emulator from tests: a fresh API user per test, seeded conversations, faults.
import { env } from "cloudflare:workers";
import type { SchemaVariant } from "../emulators/iadvize/schema.ts";
import type { Faults } from "../emulators/iadvize/server.ts";
import type { SeedConversation, SeedMessage } from "../emulators/iadvize/seed.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";

const base = () => env.IADVIZE_API_URL ?? "";

async function control(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base()}/__emulator${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status}`);
  return res.json();
}

export async function newUser(): Promise<{ username: string; password: string }> {
  const user = { username: `api-${crypto.randomUUID()}@acme.example`, password: crypto.randomUUID() };
  await control("/users", user);
  return user;
}

export const setFaults = (username: string, faults: Faults) => control("/faults", { username, faults });
/** The schema this API user sees from now on (null: the reference one). */
export const setSchemaVariant = (username: string, variant: SchemaVariant | null) => control("/schema-variant", { username, variant });
export const expireTokens = (username: string) => control("/expire-tokens", { username });
export const stats = (username: string) =>
  control(`/stats?username=${encodeURIComponent(username)}`) as Promise<{ logins: number; graphql: number; rejectedLogins: number; messages: number; closedConversations: number }>;
/** Messages written in a conversation after it was seeded, as a chat goes on. */
export const addMessages = (conversationId: string, messages: SeedMessage[]) => control(`/conversations/${conversationId}/messages`, { messages });
/** The conversation closed in iAdvize at `closedAt` (null: open again). */
export const setClosed = (conversationId: string, closedAt: string | null) => control(`/conversations/${conversationId}/closed`, { closedAt });

/** A copy of the car dealer conversation with its own id, and `extra` more visitor/operator messages. */
export async function seedConversation(overrides: Partial<SeedConversation> = {}, extra = 0): Promise<SeedConversation> {
  const start = Date.parse("2026-11-20T10:00:00Z");
  const messages = [
    ...CAR_DEALER.messages,
    ...Array.from({ length: extra }, (_, i) => ({
      role: i % 2 === 0 ? ("visitor" as const) : ("operator" as const),
      text: `message ${i}`,
      createdAt: new Date(start + i * 1000).toISOString(),
    })),
  ];
  const c = { ...CAR_DEALER, id: crypto.randomUUID(), messages, ...overrides };
  await control("/conversations", c);
  return c;
}
