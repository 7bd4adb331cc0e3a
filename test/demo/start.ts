// `npm start`: the product on its local default. Applies the D1 migrations, runs the
// Worker in workerd (wrangler dev, local D1 and Queues, no cloud account), then
// shows it working: a demo tenant, signed iAdvize webhooks in, the events processed.
import { spawn, execFileSync } from "node:child_process";
import { join } from "node:path";
import { signatureFor } from "../../src/webhooks/signature.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { ensureDevVars } from "./dev-vars.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PORT = Number(process.env.PORT ?? 8787);
const BASE = `http://127.0.0.1:${PORT}`;
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false" };

const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);

const vars = ensureDevVars(join(ROOT, ".dev.vars"));
const secret = (vars.IADVIZE_WEBHOOK_SECRET ?? "").split(",")[0]?.trim() ?? "";
const adminToken = vars.ADMIN_TOKEN ?? "";

say("applying D1 migrations to the local database");
execFileSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: quietEnv });

say(`starting the Worker on ${BASE}`);
const worker = spawn(WRANGLER, ["dev", "--ip", "127.0.0.1", "--port", String(PORT)], {
  cwd: ROOT,
  stdio: ["ignore", "inherit", "inherit"],
  env: quietEnv,
});
const stop = () => {
  worker.kill("SIGTERM");
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
worker.on("exit", (code) => {
  say(`the Worker stopped (${code ?? "signal"})`);
  process.exit(code ?? 1);
});

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${BASE}/health`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error("the Worker did not become healthy within 60 s");
}

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${BASE}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function webhook(event: object): Promise<Response> {
  const body = JSON.stringify(event);
  return fetch(`${BASE}/webhooks/iadvize`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-iadvize-signature": await signatureFor(secret, body),
      "x-iadvize-correlationid": crypto.randomUUID(),
    },
    body,
  });
}

async function demo(): Promise<void> {
  await waitForHealth();
  say("GET /health → UP");
  const tenantId = "ha-3291";
  const put = await admin("PUT", `/tenants/${tenantId}`, { name: "Demo car dealer" });
  say(`PUT /admin/api/tenants/${tenantId} → ${put.status}`);

  const conversationId = crypto.randomUUID();
  const pushed = { ...fixtures.conversationPushed, eventId: crypto.randomUUID(), conversationId };
  const closed = { ...fixtures.conversationClosed, eventId: crypto.randomUUID(), conversationId };
  for (const [name, event] of [["pushed", pushed], ["closed", closed], ["closed (iAdvize retry)", closed]] as const) {
    const res = await webhook(event);
    say(`signed v2.conversation.${name} → ${res.status} ${await res.text()}`);
  }

  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await admin("GET", `/tenants/${tenantId}`);
    const body = (await res.json()) as { events: Record<string, number> };
    if ((body.events.processed ?? 0) >= 2 || Date.now() > deadline) {
      say(`events of ${tenantId}: ${JSON.stringify(body.events)} (the retry was recognised as the same event)`);
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  say(`ready: webhooks at ${BASE}/webhooks/iadvize, admin API at ${BASE}/admin/api/tenants (token in .dev.vars). Ctrl-C stops.`);
}

demo().catch((err: unknown) => {
  process.stderr.write(`[demo] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  worker.kill("SIGTERM");
  process.exit(1);
});
