// What the bot is told about an escalation, from its status and reason: one mapping,
// used for the answer and for the admin audit, so both say the same.
import { PHONE_PROBLEMS } from "../outreach/phone.ts";
import type { MessageKey } from "./messages.ts";
import type { EscalationStatus } from "./store.ts";

export type AnswerStatus = "scheduled" | "invalid_phone" | "rejected" | "pending";

/** Reasons the visitor can fix by giving another number. */
const ABOUT_THE_NUMBER = new Set<string>([...PHONE_PROBLEMS, "extension_not_supported", "number_refused"] satisfies MessageKey[]);

export function outcomeOf(status: EscalationStatus, reason: string | null): { status: AnswerStatus; key: MessageKey } {
  switch (status) {
    case "scheduled":
      return { status: "scheduled", key: "scheduled" };
    case "rejected":
    case "failed":
      if (reason && ABOUT_THE_NUMBER.has(reason)) return { status: "invalid_phone", key: reason as MessageKey };
      if (reason === "rate_limited" || reason === "consent_required") return { status: "rejected", key: reason };
      return { status: "rejected", key: "provider_refused" };
    case "requested":
    case "retrying":
    case "unknown_outcome":
      return { status: "pending", key: "pending" };
  }
}
