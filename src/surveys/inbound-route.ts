// POST /sms/inbound/:provider: where the SMS provider delivers the customers' replies
// (Twilio's "A message comes in" webhook, or the generic signed webhook). Each reply is
// verified, handled once, and answered at once; the SMS it causes go out from the queue.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { handleInbound } from "./handle-reply.ts";
import { readTwilio, readWebhook } from "./inbound/read.ts";
import { tenantDb } from "../tenants/placement.ts";

/** An empty TwiML answer: Twilio sends nothing itself, the connector's SMS follow from the queue. */
const EMPTY_TWIML = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`;

export const smsInboundRoutes = new Hono<AppEnv>().post("/inbound/:provider", async (c) => {
  const provider = c.req.param("provider");
  if (provider !== "twilio" && provider !== "webhook") throw new AppError("not_found", `No SMS provider is called ${provider.slice(0, 40)}.`);
  const inbound = provider === "twilio" ? await readTwilio(c) : await readWebhook(c);
  const outcome = await handleInbound(
    { db: tenantDb(c.env, inbound.tenantId), keys: c.var.config.ENCRYPTION_KEY, queue: c.env.SURVEY_QUEUE, now: new Date() },
    provider,
    inbound.tenantId,
    inbound.settings,
    inbound.sms,
  );
  if (provider === "twilio") return c.body(EMPTY_TWIML, 200, { "content-type": "text/xml; charset=utf-8" });
  return c.json({ status: outcome }, 200);
});
