// The Activity page: why syncs wait, if they do (a contract hold blocks them, an outage
// pauses them), conversations by sync state with the reason of each failure and a
// redrive, events by status, Salesforce API calls per day, escalations by outcome.
import { Hono } from "hono";
import type { Context } from "hono";
import { countsByStatus } from "../../escalation/store.ts";
import { countByStatus } from "../../events/store.ts";
import { syncCounts } from "../../conversations/sync-store.ts";
import { attentionCounts } from "../../conversations/attention.ts";
import { usageOf } from "../../salesforce/usage.ts";
import { tenantHoldOf } from "../../sync/holds.ts";
import { redriveTenant } from "../../tenants/redrive.ts";
import { STATES, conversationsPage, stateCounts } from "../activity-store.ts";
import type { State } from "../activity-store.ts";
import { BarChart } from "../chart.tsx";
import type { ConsoleEnv } from "../env.ts";
import { HoldNotice, isBlocking } from "../hold-notice.tsx";
import { Layout, Notice } from "../layout.tsx";
import { tenantOf } from "../tenant.ts";
import { BackfillPanel } from "../backfill-panel.tsx";
import { tenantDb } from "../../tenants/placement.ts";

const DAY = 86_400_000;

function lastDays(usage: { day: string; calls: number }[], days: number, now: Date) {
  const byDay = new Map(usage.map((u) => [u.day, u.calls]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(now.getTime() - (days - 1 - i) * DAY).toISOString().slice(0, 10);
    return { label: day, value: byDay.get(day) ?? 0 };
  });
}

async function page(c: Context<ConsoleEnv>, notice?: string) {
  const { t, lang, session } = c.var;
  const id = tenantOf(c);
  const now = new Date();
  const stateParam = c.req.query("state");
  const state = (STATES as readonly string[]).includes(stateParam ?? "") ? (stateParam as State) : undefined;
  const pageNo = Math.min(Math.max(Number(c.req.query("page") ?? 0) || 0, 0), 10_000);
  const hold = await tenantHoldOf(tenantDb(c.env, id), id);
  const blocked = isBlocking(hold);
  const [stored, list, events, usage, escalations, attention] = await Promise.all([
    syncCounts(tenantDb(c.env, id), id),
    conversationsPage(tenantDb(c.env, id), id, { state, blocked, reason: hold?.reason ?? null }, pageNo),
    countByStatus(tenantDb(c.env, id), id),
    usageOf(tenantDb(c.env, id), id, 30),
    countsByStatus(tenantDb(c.env, id), id, new Date(now.getTime() - 30 * DAY)),
    attentionCounts(tenantDb(c.env, id), id),
  ]);
  const counts = stateCounts(stored, blocked);
  const link = (s: State | undefined, p: number) => `/setup/t/${id}/activity?${new URLSearchParams({ ...(s ? { state: s } : {}), ...(p ? { page: String(p) } : {}) })}`;
  return c.html(
    <Layout t={t} lang={lang} title={t.navActivity} session={session} tenantId={id} page="activity">
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      {hold ? <HoldNotice hold={hold} t={t} tenantId={id} /> : null}
      <p>{t.activityIntro}</p>
      <p>{t.activityKept.replace("{days}", String(c.var.config.RETENTION_DAYS))}</p>
      <section>
        <h2>{t.conversations}</h2>
        <div class="counts">
          {STATES.map((s) => (
            <div data-state={s}>
              <a href={link(s, 0)} aria-current={state === s ? "true" : undefined}>{s}</a>
              <strong>{counts[s]}</strong>
            </div>
          ))}
          <div>
            <a href={link(undefined, 0)}>{t.all}</a>
          </div>
          {Object.entries(attention).map(([code, n]) => (
            <div data-attention={code}>
              {`${t.needsAttention}: ${code}`}
              <strong>{n}</strong>
            </div>
          ))}
        </div>
        {counts.failed > 0 ? (
          <form method="post" action={`/setup/t/${id}/activity/redrive`}>
            <button type="submit">{t.redrive}</button>
          </form>
        ) : null}
        {list.rows.length === 0 ? (
          <p class="muted">{t.none}</p>
        ) : (
          <table id="conversations">
            <thead>
              <tr>
                <th scope="col">id</th>
                <th scope="col">{t.state}</th>
                <th scope="col">{t.closedAt}</th>
                <th scope="col">{t.reason}</th>
                <th scope="col">{t.attempts}</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((r) => (
                <tr data-conversation={r.conversationId} data-state={r.state}>
                  <td><code>{r.conversationId}</code></td>
                  <td>{r.state}{r.match ? ` (${r.match})` : ""}</td>
                  <td>{r.closedAt ?? "—"}</td>
                  <td>{r.reason ?? ""}</td>
                  <td>{r.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div class="pager">
          {pageNo > 0 ? <a href={link(state, pageNo - 1)} rel="prev">{t.previous}</a> : null}
          {list.more ? <a href={link(state, pageNo + 1)} rel="next">{t.next}</a> : null}
        </div>
      </section>
      <BackfillPanel db={tenantDb(c.env, id)} tenantId={id} lang={lang} />
      <section>
        <h2>{t.events}</h2>
        <div class="counts">
          {Object.entries(events).map(([status, n]) => (
            <div data-event-status={status}>
              {status}
              <strong>{n}</strong>
            </div>
          ))}
        </div>
      </section>
      <section>
        <h2>{t.apiCallsPerDay}</h2>
        <BarChart title={t.apiCallsPerDay} bars={lastDays(usage, 30, now)} />
      </section>
      <section>
        <h2>{t.escalations30}</h2>
        {Object.keys(escalations).length === 0 ? (
          <p class="muted">{t.none}</p>
        ) : (
          <div class="counts">
            {Object.entries(escalations).map(([status, n]) => (
              <div data-escalation-status={status}>
                {status}
                <strong>{n}</strong>
              </div>
            ))}
          </div>
        )}
      </section>
    </Layout>,
  );
}

export const activityPage = new Hono<ConsoleEnv>()
  .get("/t/:tenantId/activity", (c) => page(c))
  .post("/t/:tenantId/activity/redrive", async (c) => {
    const done = await redriveTenant(c.env, tenantOf(c), new Date());
    return page(c, `${c.var.t.redriven}: ${done.conversations} + ${done.events}`);
  });
