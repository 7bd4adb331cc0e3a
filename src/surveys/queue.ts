// The survey queue: one SMS to send (the next follows two seconds later), results to
// write to Salesforce, and surveys the connector starts itself after a callback or a
// closed conversation.
import * as z from "zod";

export const SURVEY_QUEUE = "survey-work";
export const SURVEY_DEAD_LETTER_QUEUE = "survey-work-dlq";

/** The pause between two SMS of one group (the seed's two seconds), by the queue's delay. */
export const SMS_SPACING_SECONDS = 2;

export const SurveyMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("sms"), tenantId: z.string().min(1), outboxId: z.string().min(1) }),
  z.object({ kind: z.literal("write"), tenantId: z.string().min(1), sessionId: z.string().min(1) }),
  z.object({ kind: z.literal("after_callback"), tenantId: z.string().min(1), escalationId: z.string().min(1) }),
  z.object({ kind: z.literal("after_conversation"), tenantId: z.string().min(1), conversationId: z.string().min(1) }),
]);
export type SurveyMessage = z.infer<typeof SurveyMessage>;
