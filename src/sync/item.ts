// What one sync run carries per conversation: what iAdvize says about it, and the rest
// (channel, operators, survey, escalation) from D1. Salesforce's planner takes it as
// its own PlanConversation, which this satisfies.
import type { Attention } from "../conversations/attention.ts";
import type { DeflectionLink } from "../deflection/link.ts";
import type { ConversationData } from "../iadvize/conversation.ts";
import type { Contact } from "../qualification/contact.ts";
import type { Extraction } from "../qualification/extract.ts";
import type { Transcript } from "../qualification/transcript.ts";
import type { PlanTransaction } from "../salesforce/outcomes.ts";

export interface ConversationForCrm {
  conversation: ConversationData;
  extraction: Extraction;
  transcript: Transcript;
  contact: Contact;
  /** Set when messages of an unknown shape were left out of the answers and transcript. */
  needsAttention: Attention | null;
}

export interface SyncItem {
  conversationId: string;
  visitorId: string;
  /** False when the D1 row never saw a push or close (visitorId is then the conversation id): see salesforce/existing.ts. */
  visitorKnown?: boolean;
  /** Open and never pushed: made by a late transaction alone (conversations/late.ts); written only into an existing record. */
  lateOpen?: boolean;
  tenantId: string;
  channel: string | null;
  startedAt: string | null;
  closedAt: string | null;
  operatorIds: number[];
  satisfaction: Record<string, unknown> | null;
  /** The transactions iAdvize attributed to the conversation. */
  transactions: PlanTransaction[];
  /** The conversation's latest chat-to-call escalation, if any. */
  escalation: { status: string; reason: string | null; reference: string | null; requestedAt: string } | null;
  /** The IVR call this messaging conversation came from, if any. */
  deflection: DeflectionLink | null;
  read: ConversationForCrm;
}
