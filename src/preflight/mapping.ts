// Whether each Qn target can take an answer: the field exists, is writable, takes text
// (or a number, a yes/no, a picklist value), and is long enough. Pure: the describes
// come from the live org (the check) or from the cache (saving a tenant).
import type { Fields } from "../salesforce/describe.ts";
import { validateMapping } from "../salesforce/mapping.ts";
import type { MappingEntry, MappingProblem } from "../salesforce/mapping.ts";
import { CONVERSATION } from "../salesforce/model.ts";
import type { Outcome } from "./types.ts";
import { failed, ok, warning } from "./types.ts";

/** Text fields shorter than this cut most answers. */
export const SHORT_TEXT = 40;
const TEXT = new Set(["string", "textarea", "url", "combobox"]);

const objectName = (object: "Lead" | "Conversation") => (object === "Lead" ? "Lead" : CONVERSATION.object);

const PROBLEM: Record<MappingProblem["problem"], string> = {
  no_such_field: "no such field (or the integration user cannot see it)",
  not_writable: "read-only for the integration user",
  type_not_supported: "its type takes no answer (only text, number, yes/no and picklist fields do)",
};

export function mappingOutcome(mapping: Readonly<Record<string, MappingEntry>>, describes: { Lead: Fields | undefined; Conversation: Fields | undefined }): Outcome {
  const tags = Object.keys(mapping);
  if (tags.length === 0) return warning("no_mapping", "No question is mapped: records get the contact details and the transcript only.", "Map the tagged questions in mapping (Q1 → a Lead or Conversation field).");
  const { usable, problems } = validateMapping(mapping, describes);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.tag} → ${objectName(p.object as "Lead" | "Conversation")}.${p.field}: ${PROBLEM[p.problem]}`);
    return failed("mapping_invalid", `${list.join("; ")}.`, "Correct mapping, or grant the integration user edit access to these fields (field-level security).");
  }
  const short = usable.filter((m) => TEXT.has(m.describe.type) && m.describe.length > 0 && m.describe.length < SHORT_TEXT);
  if (short.length > 0) {
    const list = short.map((m) => `${m.tag} → ${objectName(m.object)}.${m.field} (${m.describe.length} characters)`);
    return warning("fields_short", `Answers longer than the field are cut: ${list.join(", ")}.`, `Map these questions to fields of ${SHORT_TEXT} characters or more if answers are sentences.`);
  }
  return ok("mapping_valid", `Every mapped question (${tags.join(", ")}) has a writable field of a type that takes its answer.`);
}
