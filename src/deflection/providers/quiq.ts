// Quiq: the IVR integration of its documentation (seeds/000). Basic auth with a bot user's
// API key and secret. notify: POST /api/v1/messaging/notify?allowMultipleSegments=true
// {contactPoint, notifications: [{searchInfo, precedence, messageMap: {default: {text,
// directives: {fieldUpdates}}}}], topic?}: one message, no conversation until the customer
// answers. start: POST /api/v1/messaging/start-conversation {contactPoint, searchInfo,
// precedence, messageMaps: [imported Customer message, System message], fields}: the
// conversation opens at once. Fields are schema.conversation.custom.<k> and
// schema.conversation.customer.custom.<k>. An answer whose body `status` is not 200 is an
// error, whatever the HTTP status.
//
// ASSUMPTIONS (not in the public material; correct them here only):
// - The answer names the platform used as `platform`, at its top level or in its first
//   `notifications` entry, and a reference as `conversationId` or `id` there; when absent
//   the deflection is recorded as sent on an unknown channel.
// - A body `status` of 404 means that no platform of the precedence reaches the number
//   (`unreachable`); 429 and 5xx are passing faults; 401 and 403 refused credentials.
import * as z from "zod";
import { basic, common, jsonOf, send } from "../../outreach/http.ts";
import { PLATFORMS } from "../config.ts";
import type { MessageRequest, MessagingProvider, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "quiq" }>;

const Entry = z.looseObject({ platform: z.enum(PLATFORMS).optional().catch(undefined), conversationId: z.string().optional().catch(undefined), id: z.string().optional().catch(undefined) });
const Answer = z.looseObject({ status: z.number().optional().catch(undefined), notifications: z.array(Entry).optional().catch(undefined) }).and(Entry);

function fieldUpdates(req: MessageRequest) {
  return [
    ...Object.entries(req.conversationFields).map(([k, value]) => ({ field: `schema.conversation.custom.${k}`, value })),
    ...Object.entries(req.customerFields).map(([k, value]) => ({ field: `schema.conversation.customer.custom.${k}`, value })),
  ];
}

function bodyOf(config: Config, req: MessageRequest): { path: string; body: Record<string, unknown> } {
  const searchInfo = { phoneNumber: req.phone, searchId: req.phone };
  const precedence = req.channels.map((c) => ({ platform: c.platform, ...(c.tenantHandle ? { tenantHandle: c.tenantHandle } : {}) }));
  const fields = fieldUpdates(req);
  if (req.mode === "notify") {
    return {
      path: "/api/v1/messaging/notify?allowMultipleSegments=true",
      body: {
        contactPoint: config.contactPoint,
        notifications: [{ searchInfo, precedence, messageMap: { default: { text: req.texts.notify, directives: { fieldUpdates: fields } } } }],
        ...(req.topic ? { topic: req.topic } : {}),
      },
    };
  }
  return {
    path: "/api/v1/messaging/start-conversation",
    body: {
      contactPoint: config.contactPoint,
      searchInfo,
      precedence,
      messageMaps: [
        // For the agent (and Quiq Compose) only: never sent to the customer.
        { authorType: "Customer", imported: true, default: { text: req.texts.imported } },
        { authorType: "System", default: { text: req.texts.system } },
      ],
      fields,
      ...(req.topic ? { topic: req.topic } : {}),
    },
  };
}

export function quiqProvider(config: Config): MessagingProvider {
  return {
    name: "quiq",
    idempotent: false,
    async send(req: MessageRequest, deps: ProviderDeps): Promise<ProviderResult> {
      const { path, body } = bodyOf(config, req);
      const sent = await send(
        deps.fetch,
        `${config.apiUrl.replace(/\/+$/, "")}${path}`,
        { method: "POST", headers: { authorization: basic(config.apiKey, config.apiSecret), "content-type": "application/json" }, body: JSON.stringify(body) },
        deps.signal,
      );
      if (!sent.ok) return sent.result;
      const known = common(sent.res);
      if (known) return known;
      const parsed = Answer.safeParse(await jsonOf(sent.res));
      const answer = parsed.success ? parsed.data : undefined;
      const status = answer?.status ?? (sent.res.ok ? 200 : sent.res.status);
      if (status === 200) {
        const entry = answer?.notifications?.[0] ?? answer;
        return { kind: "sent", channel: entry?.platform ?? null, reference: (entry?.conversationId ?? entry?.id ?? null)?.slice(0, 255) ?? null };
      }
      if (status === 429 || status >= 500) return { kind: "transient", code: `quiq_${status}` };
      if (status === 401 || status === 403) return { kind: "refused", code: "provider_auth_failed" };
      if (status === 404) return { kind: "unreachable", code: "quiq_404" };
      return { kind: "refused", code: `quiq_${status}` };
    },
  };
}
