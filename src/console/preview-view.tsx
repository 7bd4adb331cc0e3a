// How the mapping preview shows what a conversation would write: each answer with the
// value its field would get, then the Lead and the Conversation record field by field,
// each value as it would be sent (JSON: text cut to the field, numbers, yes/no, picklist values).
import type { Extraction } from "../qualification/extract.ts";
import { CONVERSATION } from "../salesforce/model.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import type { Dictionary } from "./i18n.ts";
import type { PlannedRecords } from "./preview.ts";

export interface Preview {
  extraction: Extraction;
  mapping: TenantConfig["mapping"];
  /** Absent when Salesforce is not connected, or could not be read (then `problem` says why). */
  records?: PlannedRecords;
  problem?: string;
}

const shown = (v: unknown) => JSON.stringify(v);

function RecordTable({ id, record }: { id: string; record: Record<string, unknown> }) {
  return (
    <table id={id}>
      <tbody>
        {Object.entries(record)
          .filter(([field]) => field !== "attributes")
          .map(([field, value]) => (
            <tr data-field={field}>
              <th scope="row">{field}</th>
              <td>
                <code>{shown(value)}</code>
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

/** The value the planned records give the field an answer is mapped to, if they write it. */
function plannedValue(records: PlannedRecords, object: "Lead" | "Conversation", field: string): unknown {
  const record = object === "Lead" ? (records.lead.kind === "none" ? {} : records.lead.record) : records.conversation;
  return record[field];
}

function leadHeading(t: Dictionary, records: PlannedRecords): string {
  const { lead, link } = records;
  if (lead.kind === "new") return t.previewLeadNew;
  if (lead.kind === "update") return `${t.previewLeadUpdate} ${lead.id}`;
  if (link.kind === "lead") return `${t.previewLeadUnchanged} ${link.id}`;
  if (link.kind === "contact") return `${t.previewToContact} ${link.id}`;
  return `${t.previewNoLead} (${records.match})`;
}

export function PreviewView({ t, preview }: { t: Dictionary; preview: Preview }) {
  const { extraction, mapping, records } = preview;
  return (
    <>
      {preview.problem ? (
        <div class="notice error" role="alert">
          {`${t.previewNoRecords}: ${preview.problem}`}
        </div>
      ) : null}
      <h3>{t.answers}</h3>
      <table id="preview-answers">
        <thead>
          <tr>
            <th scope="col">{t.tag}</th>
            <th scope="col">{t.answers}</th>
            <th scope="col">{t.target}</th>
            <th scope="col">{t.valueWritten}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(extraction.answers).map(([tag, a]) => {
            const entry = mapping[tag];
            const value = entry && records ? plannedValue(records, entry.object, entry.field) : undefined;
            const problem = records?.warnings.find((w) => w.tag === tag)?.code;
            return (
              <tr data-tag={tag}>
                <th scope="row">{tag}</th>
                <td>
                  <span class="muted">{a.question}</span>
                  <pre>{a.answer}</pre>
                </td>
                <td>{entry ? `${entry.object}.${entry.field}` : "—"}</td>
                <td>{value !== undefined ? <code>{shown(value)}</code> : <span class="status-warning">{problem ? `${t.notWritten}: ${problem}` : t.notWritten}</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p>
        {t.unanswered}: {extraction.unanswered.length ? extraction.unanswered.join(", ") : "—"}
      </p>
      {records ? (
        <>
          <h3 data-lead={records.lead.kind}>{leadHeading(t, records)}</h3>
          {records.lead.kind === "none" ? null : <RecordTable id="preview-lead" record={records.lead.record} />}
          <h3>{`${t.previewConversation} (${CONVERSATION.object})`}</h3>
          <RecordTable id="preview-conversation" record={records.conversation} />
          {records.warnings.length ? (
            <ul id="preview-warnings">
              {records.warnings.map((w) => (
                <li data-warning={w.code}>{[w.code, w.tag, w.field].filter(Boolean).join(" · ")}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </>
  );
}
