// Genesys DMS (Digital Messaging Server): InviteToChat, the ESP method of ChatService that
// a routing strategy calls to invite a caller of the voice IVR to chat or messaging
// (seeds/002), sending a WhatsApp template or starting an outbound chat session.
//
// THE GATEWAY ASSUMPTION (the only place it is made; the README points here):
// InviteToChat has no public internet API: it runs inside the customer's Genesys platform,
// invoked by a strategy. So the connector POSTs its parameters to the customer's own
// gateway (`url`), which turns them into the ESP request (AppName, Service: ChatService,
// Method: InviteToChat) and answers with the ESP response:
//   request  JSON {id, tenantId, Service: "ChatService", Method: "InviteToChat",
//                  Parameters: {_umsChannel, _umsClientId, _umsBusinessId, StandardResponseId?,
//                  ChatQueueKey?, TerminateSessionFlag: "true"|"false", Contact: {…},
//                  Agent: {…}, CustomProperties: {…}}, UserData: {PhoneNumber,
//                  GCTI_Chat_SubmitAsOutbound: "true"|"false", …the conversation fields}}
//            signed like the escalation webhook (x-connector-signature, Idempotency-Key =
//            the deflection id, which the gateway must honour: a repeat sends nothing more)
//   answer   2xx {"_umsChatSessionId": "…"} (the Chat Server's interaction id);
//            422 {"reason": "not_reachable"} when the channel cannot reach the number (the
//            next channel of the precedence is then tried); 401/403 a refused signature.
// notify sends the standard response and ends the session at once (TerminateSessionFlag
// "true", queued on notifyQueueKey), so no agent gets a conversation they cannot act on;
// start keeps it open as an outbound interaction (GCTI_Chat_SubmitAsOutbound "true") on
// chatQueueKey, with the reason and fields as user data for routing.
import * as z from "zod";
import { common, jsonOf } from "../../outreach/http.ts";
import { signedPost } from "../../outreach/signed.ts";
import type { MessageRequest, MessagingProvider, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "genesys-dms" }>;

const EspResponse = z.object({ _umsChatSessionId: z.string().min(1).max(255) });
const KV = (r: Record<string, string | number | boolean>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]));

function espRequest(config: Config, req: MessageRequest, umsChannel: string) {
  const notify = req.mode === "notify";
  const queue = notify ? (config.notifyQueueKey ?? config.chatQueueKey) : config.chatQueueKey;
  return {
    id: req.deflectionId,
    tenantId: req.tenantId,
    Service: "ChatService",
    Method: "InviteToChat",
    Parameters: {
      _umsChannel: umsChannel,
      _umsClientId: config.clientId,
      _umsBusinessId: config.businessId,
      ...(config.standardResponseId ? { StandardResponseId: config.standardResponseId } : {}),
      ...(queue ? { ChatQueueKey: queue } : {}),
      TerminateSessionFlag: notify ? "true" : "false",
      Contact: { PhoneNumber: req.phone, ...KV(req.customerFields) },
      Agent: {},
      CustomProperties: { ...(req.reason ? { Reason: req.reason } : {}), ...(req.topic ? { Topic: req.topic } : {}), Text: notify ? req.texts.notify : req.texts.system },
    },
    UserData: {
      PhoneNumber: req.phone,
      GCTI_Chat_SubmitAsOutbound: notify ? "false" : "true",
      DeflectionId: req.deflectionId,
      ...(req.reason ? { IVR_Reason: req.reason } : {}),
      ...KV(req.conversationFields),
    },
  };
}

export function genesysDmsProvider(config: Config): MessagingProvider {
  return {
    name: "genesys-dms",
    idempotent: true,
    async send(req: MessageRequest, deps: ProviderDeps): Promise<ProviderResult> {
      let last = "no_dms_channel";
      for (const { platform } of req.channels) {
        const umsChannel = config.channels[platform];
        if (!umsChannel) continue;
        // One idempotency key per channel tried: a repeat of the same try sends nothing more.
        const sent = await signedPost(deps.fetch, deps.signal, config.url, config.secret, JSON.stringify(espRequest(config, req, umsChannel)), `${req.deflectionId}:${platform}`);
        if (!sent.ok) return sent.result;
        const known = common(sent.res);
        if (known) return known;
        const answer = await jsonOf(sent.res);
        if (sent.res.ok) {
          const esp = EspResponse.safeParse(answer);
          // A gateway that answers without the session id did not follow the contract: no retry would fix it.
          if (!esp.success) return { kind: "refused", code: "dms_no_session_id" };
          return { kind: "sent", channel: platform, reference: esp.data._umsChatSessionId };
        }
        if (sent.res.status === 422) {
          last = "dms_not_reachable";
          continue;
        }
        return { kind: "refused", code: `http_${sent.res.status}` };
      }
      return { kind: "unreachable", code: last };
    },
  };
}
