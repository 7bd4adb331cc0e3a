// Turns a conversation id into everything the CRM needs: the conversation and its
// visitor, the answers to the tagged questions, the transcript, the email and phone, and
// a flag when some messages could not be read (kept, synced, and shown to an administrator).
import type { IadvizeClient } from "../iadvize/client.ts";
import type { ConversationData } from "../iadvize/conversation.ts";
import { resolveContact } from "../qualification/contact.ts";
import type { MappingEntry } from "../qualification/contact.ts";
import { extractAnswers } from "../qualification/extract.ts";
import { DEFAULT_TRANSCRIPT_LIMIT, buildTranscript } from "../qualification/transcript.ts";
import type { ConversationForCrm } from "./item.ts";

export async function readConversation(
  client: IadvizeClient,
  conversationId: string,
  mapping: Readonly<Record<string, MappingEntry>>,
  transcriptLimit = DEFAULT_TRANSCRIPT_LIMIT,
): Promise<ConversationForCrm | null> {
  const conversation = await client.conversation(conversationId);
  return conversation ? crmView(conversation, mapping, transcriptLimit) : null;
}

/** What the CRM needs from a conversation already read. */
export function crmView(conversation: ConversationData, mapping: Readonly<Record<string, MappingEntry>>, transcriptLimit = DEFAULT_TRANSCRIPT_LIMIT): ConversationForCrm {
  const extraction = extractAnswers(conversation.messages);
  return {
    conversation,
    extraction,
    transcript: buildTranscript(conversation.messages, transcriptLimit),
    contact: resolveContact(conversation.visitor, conversation.customData, extraction.answers, mapping),
    needsAttention: conversation.unknownMessages.count > 0 ? { code: "unknown_message_shape", ...conversation.unknownMessages } : null,
  };
}
