// The OpenAPI description of the escalation endpoint, served at /escalations/openapi.json.
import { MESSAGE_KEYS } from "./messages.ts";

const inputs = {
  phone: { type: "string", description: "The phone number as the visitor typed it (required)." },
  conversationId: { type: "string", description: "The iAdvize conversation id, to link the callback to the conversation in the CRM." },
  visitorName: { type: "string" },
  reason: { type: "string" },
  preferredTime: { type: "string", description: "When to call; an ISO 8601 date is passed on as a scheduled time where the platform takes one." },
  language: { type: "string", description: "fr or en (or fr-FR, en-GB…); the tenant's language otherwise." },
  consent: { type: "string", description: "true when the visitor agreed to be called (yes, oui, 1 and on are read as true)." },
} as const;

const answer = {
  type: "object",
  required: ["status", "message"],
  properties: {
    status: { type: "string", enum: ["scheduled", "invalid_phone", "rejected", "pending"] },
    reason: { type: "string", enum: MESSAGE_KEYS.filter((k) => k !== "scheduled" && k !== "pending"), description: "Why, for invalid_phone and rejected." },
    message: { type: "string", description: "A sentence for the visitor, in their language." },
    escalationId: { type: "string" },
    callbackId: { type: "string", description: "The platform's reference, when scheduled." },
    phone: { type: "string", description: "The number as understood, in international format." },
  },
} as const;

const error = {
  type: "object",
  properties: { error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } } } },
} as const;

const operation = (method: string) => ({
  summary: `Ask for a callback (${method})`,
  parameters: [
    ...(method === "GET" ? Object.entries(inputs).map(([name, schema]) => ({ name, in: "query", required: name === "phone", schema })) : []),
  ],
  ...(method === "GET"
    ? {}
    : {
        requestBody: {
          content: {
            "application/json": { schema: { type: "object", required: ["phone"], properties: inputs } },
            "application/x-www-form-urlencoded": { schema: { type: "object", required: ["phone"], properties: inputs } },
          },
        },
      }),
  responses: {
    "200": { description: "What happened; map status and message in the bot.", content: { "application/json": { schema: answer } } },
    "400": { description: "The inputs are malformed (no phone input at all).", content: { "application/json": { schema: error } } },
    "401": { description: "No key.", content: { "application/json": { schema: error } } },
    "404": { description: "Unknown key.", content: { "application/json": { schema: error } } },
    "405": { description: "Another method (HEAD included): nothing is done.", content: { "application/json": { schema: error } } },
  },
});

export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "iAdvize connector: chat-to-call escalation",
    version: "1.0.0",
    description:
      "Called by an iAdvize bot's API connection. Inputs may come in the query string (GET, or with {phone} in the URL) or in the body. The answer always arrives within 5 s.",
  },
  paths: {
    "/escalations/{key}/callback": {
      parameters: [{ name: "key", in: "path", required: true, schema: { type: "string" }, description: "The tenant's escalation key." }],
      get: operation("GET"),
      post: operation("POST"),
      put: operation("PUT"),
    },
    "/escalations/callback": {
      get: { ...operation("GET"), security: [{ bearer: [] }] },
      post: { ...operation("POST"), security: [{ bearer: [] }] },
    },
  },
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "The tenant's escalation key." } } },
} as const;
