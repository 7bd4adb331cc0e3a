// What the IVR is told about a deflection, from its status and reason: one mapping, used
// for the answer and for the admin counts, so both say the same.
import { PHONE_PROBLEMS } from "../outreach/phone.ts";
import type { PromptKey } from "./prompts.ts";

export type DeflectionStatus = "requested" | "sent" | "rejected" | "retrying" | "failed" | "unknown_outcome";
export type AnswerStatus = PromptKey;

const ABOUT_THE_NUMBER = new Set<string>(PHONE_PROBLEMS);
/** Refusals that name themselves as the answer's status. */
const OWN_STATUS = new Set<string>(["not_mobile", "consent_required", "rate_limited"]);

/** The answer's status, and the reason it carries (none for sent and pending). */
export function outcomeOf(status: DeflectionStatus, reason: string | null): { status: AnswerStatus; reason?: string } {
  switch (status) {
    case "sent":
      return { status: "sent" };
    case "requested":
    case "retrying":
    case "unknown_outcome":
      return { status: "pending" };
    case "rejected":
    case "failed":
      if (reason && ABOUT_THE_NUMBER.has(reason)) return { status: "invalid_phone", reason };
      if (reason && OWN_STATUS.has(reason)) return { status: reason as AnswerStatus };
      // The provider reached the number on none of the channels: another number may work.
      if (reason === "unreachable") return { status: "rejected", reason: "unreachable" };
      return { status: "rejected", reason: "provider_refused" };
  }
}
