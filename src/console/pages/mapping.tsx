// The Mapping page: each tagged question to a Lead or Conversation field picked from the
// org's describe (fields that cannot take an answer cannot be chosen), and a preview of
// the records a conversation would write, planned by the sync's own planner; writes nothing.
import { Hono } from "hono";
import type { Context } from "hono";
import { errorFields, log } from "../../log.ts";
import { checkExport } from "../../qualification/check-export.ts";
import { ChatMessages } from "../../qualification/messages.ts";
import { getTenantConfig } from "../../tenants/store.ts";
import type { TenantConfig } from "../../tenants/schema.ts";
import type { ConsoleEnv } from "../env.ts";
import type { TargetField } from "../fields.ts";
import { targetFields } from "../fields.ts";
import { Layout, Notice } from "../layout.tsx";
import type { CheckResult } from "../../preflight/types.ts";
import { SaveWarnings } from "../save-warnings.tsx";
import { saveSection, tenantOf } from "../tenant.ts";
import { planForPreview, readForPreview } from "../preview.ts";
import type { PlannedRecords, PreviewSource } from "../preview.ts";
import { PreviewView } from "../preview-view.tsx";
import type { Preview } from "../preview-view.tsx";
import { tenantDb } from "../../tenants/placement.ts";

type Mapping = TenantConfig["mapping"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rows shown: the mapped tags, then free ones up to Q5 at least and two beyond the last. */
function tagsToShow(mapping: Mapping): string[] {
  const highest = Math.max(0, ...Object.keys(mapping).flatMap((k) => (/^Q\d+$/.test(k) ? [Number(k.slice(1))] : [])));
  return Array.from({ length: Math.max(5, highest + 2) }, (_, i) => `Q${i + 1}`);
}

const describeField = (f: TargetField) =>
  `${f.label} (${f.name}) · ${f.type}${f.length ? ` ${f.length}` : ""}${f.picklist.length ? ` · ${f.picklist.slice(0, 6).join(", ")}${f.picklist.length > 6 ? ", …" : ""}` : ""}`;

async function page(c: Context<ConsoleEnv>, extra: { notice?: { kind: "ok" | "error"; text: string }; exportText?: string; preview?: Preview; warnings?: CheckResult[] } = {}) {
  const { t, lang, session, config } = c.var;
  const id = tenantOf(c);
  const tenant = await getTenantConfig(tenantDb(c.env, id), config.ENCRYPTION_KEY, id);
  const mapping: Mapping = tenant?.mapping ?? {};
  let fields: TargetField[] = [];
  let unreachable = false;
  if (tenant?.salesforce) {
    try {
      fields = await targetFields(tenantDb(c.env, id), config, id, tenant);
    } catch (err) {
      log.warn("console.describe_failed", { tenantId: id, ...errorFields(err) });
      unreachable = true;
    }
  }
  const { notice, preview } = extra;
  return c.html(
    <Layout t={t} lang={lang} title={t.navMapping} session={session} tenantId={id} page="mapping">
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <SaveWarnings t={t} warnings={extra.warnings} />
      {!tenant?.salesforce || unreachable ? <Notice kind="error">{t.mappingNeedsSalesforce}</Notice> : null}
      <section>
        <p>{t.mappingIntro}</p>
        <form method="post" action={`/setup/t/${id}/mapping`}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.tag}</th>
                <th scope="col">{t.target}</th>
                <th scope="col">{t.overwrite}</th>
              </tr>
            </thead>
            <tbody>
              {tagsToShow(mapping).map((tag) => {
                const current = mapping[tag];
                const chosen = current ? `${current.object}.${current.field}` : "";
                return (
                  <tr>
                    <th scope="row">
                      <label for={`target-${tag}`}>{`[](${tag})`}</label>
                    </th>
                    <td>
                      <select id={`target-${tag}`} name={`target-${tag}`}>
                        <option value="">{t.noField}</option>
                        {(["Lead", "Conversation"] as const).map((object) => (
                          <optgroup label={object}>
                            {fields
                              .filter((f) => f.object === object)
                              .map((f) => (
                                <option value={`${f.object}.${f.name}`} selected={chosen === `${f.object}.${f.name}`} disabled={!f.choosable} title={f.choosable ? undefined : t.fieldNotChoosable}>
                                  {describeField(f)}
                                </option>
                              ))}
                          </optgroup>
                        ))}
                        {chosen && !fields.some((f) => `${f.object}.${f.name}` === chosen) ? <option value={chosen} selected>{chosen}</option> : null}
                      </select>
                    </td>
                    <td>
                      <input type="checkbox" name={`overwrite-${tag}`} value="1" checked={current?.overwrite ?? false} aria-label={`${t.overwrite} ${tag}`} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button type="submit">{t.save}</button>
        </form>
      </section>
      <section>
        <h2>{t.preview}</h2>
        <p>{t.previewIntro}</p>
        <form method="post" action={`/setup/t/${id}/mapping/preview`}>
          <label for="conversationId">{t.recentConversation}</label>
          <input id="conversationId" name="conversationId" type="text" autocomplete="off" />
          <label for="export">{t.conversationExport}</label>
          <textarea id="export" name="export">{extra.exportText ?? ""}</textarea>
          <button type="submit" class="secondary">{t.preview}</button>
        </form>
        {preview ? <PreviewView t={t} preview={preview} /> : null}
      </section>
    </Layout>,
  );
}

export const mappingPage = new Hono<ConsoleEnv>()
  .get("/t/:tenantId/mapping", (c) => page(c))
  .post("/t/:tenantId/mapping", async (c) => {
    const id = tenantOf(c);
    const form = await c.req.parseBody();
    const tenant = await getTenantConfig(tenantDb(c.env, id), c.var.config.ENCRYPTION_KEY, id);
    const fields = tenant?.salesforce ? await targetFields(tenantDb(c.env, id), c.var.config, id, tenant) : [];
    const mapping: Record<string, { object: string; field: string; overwrite: boolean }> = {};
    const refused: string[] = [];
    for (const [name, value] of Object.entries(form)) {
      const tag = /^target-(Q[1-9]\d{0,2})$/.exec(name)?.[1];
      if (!tag || typeof value !== "string" || value === "") continue;
      const field = fields.find((f) => `${f.object}.${f.name}` === value);
      if (!field?.choosable) {
        refused.push(`${tag} → ${value.slice(0, 100)}`);
        continue;
      }
      mapping[tag] = { object: field.object, field: field.name, overwrite: form[`overwrite-${tag}`] === "1" };
    }
    if (refused.length > 0) {
      c.status(400);
      return page(c, { notice: { kind: "error", text: `${c.var.t.fieldNotChoosable}: ${refused.join(", ")}` } });
    }
    // The page edits the question tags; a mapping it does not show (transaction.latestAmount) is kept.
    const saved = await saveSection(c, id, (input) => ({ ...input, mapping: { ...Object.fromEntries(Object.entries(input.mapping ?? {}).filter(([k]) => !/^Q\d/.test(k))), ...mapping } }));
    return page(c, { notice: { kind: "ok", text: c.var.t.saved }, warnings: saved.warnings });
  })
  .post("/t/:tenantId/mapping/preview", async (c) => {
    const id = tenantOf(c);
    const { t } = c.var;
    const form = await c.req.parseBody();
    const text = typeof form.export === "string" ? form.export.slice(0, 512 * 1024) : "";
    const conversationId = typeof form.conversationId === "string" ? form.conversationId.trim() : "";
    const tenant = await getTenantConfig(tenantDb(c.env, id), c.var.config.ENCRYPTION_KEY, id);
    if (!tenant) return c.redirect("/setup", 303);
    let source: PreviewSource;
    if (conversationId) {
      if (!UUID.test(conversationId)) {
        c.status(404);
        return page(c, { notice: { kind: "error", text: t.conversationNotFound }, exportText: text });
      }
      source = { kind: "conversation", id: conversationId };
    } else {
      const checked = checkExport(text);
      if (!checked.ok) {
        c.status(400);
        return page(c, { notice: { kind: "error", text: checked.error }, exportText: text });
      }
      source = { kind: "export", messages: ChatMessages.parse(JSON.parse(text)) };
    }
    // A recent conversation of this project, read from iAdvize as the sync reads it.
    const item = await readForPreview(tenantDb(c.env, id), c.var.config, id, tenant, source).catch((err: unknown) => {
      log.warn("console.preview_read_failed", { tenantId: id, ...errorFields(err) });
      return null;
    });
    if (!item) {
      c.status(404);
      return page(c, { notice: { kind: "error", text: t.conversationNotFound }, exportText: text });
    }
    let records: PlannedRecords | undefined;
    let problem: string | undefined;
    if (tenant.salesforce) {
      try {
        records = await planForPreview(tenantDb(c.env, id), c.var.config, id, tenant, item, new Date());
      } catch (err) {
        log.warn("console.preview_plan_failed", { tenantId: id, ...errorFields(err) });
        problem = err instanceof Error ? err.message.slice(0, 500) : "error";
      }
    }
    const preview: Preview = { extraction: item.read.extraction, mapping: tenant.mapping, ...(records ? { records } : {}), ...(problem ? { problem } : {}) };
    return page(c, { exportText: text, preview });
  });
