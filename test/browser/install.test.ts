// The whole install in a real browser, as a customer's admin does it alone: sign in with
// the iAdvize API user, connect Salesforce through the consent page, map Q1 to
// Vehicle__c (a save's warnings shown, the records a conversation would write previewed),
// run the checks, then a conversation closed in iAdvize shows synced; a live schema that
// lacks a field shows the tenant blocked in Activity until the checks pass again.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { ADMIN_TOKEN, WEBHOOK_SECRET } from "../helpers/secrets.ts";
import type { Page } from "playwright-core";
import type { World } from "./harness.ts";
import { newCustomer, shot, signIn, startWorld, visible } from "./harness.ts";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

async function schemaVariant(username: string, variant: Record<string, unknown> | null): Promise<void> {
  const res = await fetch(`${world.iadvize.url}/__emulator/schema-variant`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, variant }) });
  expect(res.status).toBe(200);
}

/** iAdvize pushes then closes a new car dealer conversation of this project. */
async function closeConversation(projectId: number): Promise<string> {
  const conversationId = crypto.randomUUID();
  const visitorId = crypto.randomUUID();
  world.iadvize.addConversation({ ...CAR_DEALER, id: conversationId, projectId, visitor: { ...CAR_DEALER.visitor, id: visitorId, email: "jane.doe@example.com" } });
  const envelope = { platform: "ha", projectId, clientId: 1782, conversationId, channel: "CHAT", visitorId };
  expect(await deliver({ ...envelope, eventId: crypto.randomUUID(), eventType: "v2.conversation.pushed", operatorId: 45012, createdAt: CAR_DEALER.createdAt, sentAt: CAR_DEALER.createdAt })).toBe(200);
  expect(await deliver({ ...envelope, eventId: crypto.randomUUID(), eventType: "v2.conversation.closed", operatorIds: [45012], createdAt: CAR_DEALER.closedAt, sentAt: CAR_DEALER.closedAt })).toBe(200);
  return conversationId;
}

/** Reloads Activity until the conversation shows in `state`. */
async function untilState(page: Page, conversationId: string, state: string): Promise<void> {
  const row = page.locator(`tr[data-conversation="${conversationId}"]`);
  await expect
    .poll(async () => {
      await page.reload();
      return (await row.count()) > 0 ? row.getAttribute("data-state") : "absent";
    }, { timeout: 60_000, interval: 500 })
    .toBe(state);
}

async function deliver(event: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${world.iadvize.url}/__emulator/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${world.base}/webhooks/iadvize`, secret: WEBHOOK_SECRET, event }),
  });
  return ((await res.json()) as { status: number }).status;
}

describe("setup console: the whole install", () => {
  it("signs in, connects Salesforce, maps Q1, passes the checks, shows a closed conversation synced, then the tenant blocked by a schema change until the checks pass", async () => {
    const customer = newCustomer(world);
    const page = await world.browser.newPage();

    // 1. Sign in with the iAdvize API user: the tenant is created for that project.
    await signIn(page, world.base, customer);
    await visible(page.getByText("configured", { exact: true }));
    await shot(page, "1-signed-in");

    // 2. Connect Salesforce through the emulated login and consent pages.
    await page.getByRole("link", { name: "Salesforce" }).click();
    await shot(page, "2-salesforce-before");
    await page.getByRole("link", { name: "Connect Salesforce" }).click();
    await page.waitForURL(`${world.salesforce.url}/services/oauth2/authorize**`);
    await page.getByLabel("Username").fill(customer.sfUser.username);
    await page.getByLabel("Password").fill(customer.sfUser.password);
    await page.getByRole("button", { name: "Log In" }).click();
    await visible(page.getByRole("heading", { name: "Allow Access?" }));
    await shot(page, "3-salesforce-consent");
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(`**/setup/t/${customer.tenantId}/salesforce?saved=1`);
    expect(await page.locator("#save-warnings").count()).toBe(0);
    await visible(page.getByText("Salesforce is connected."));
    await visible(page.getByRole("cell", { name: `00D${customer.orgId}` }));
    await visible(page.getByRole("cell", { name: customer.sfUser.username }));
    await shot(page, "4-salesforce-connected");

    // 3. Map Q1 to Lead.Vehicle__c, picked from the describe; read-only fields cannot be chosen.
    await page.getByRole("link", { name: "Mapping" }).click();
    const q1 = page.getByLabel("[](Q1)");
    expect(await q1.locator('option[value="Lead.IsConverted"]').isDisabled()).toBe(true);
    await q1.selectOption("Lead.Vehicle__c");
    // Q4 asks for the email: mapped to the Lead's, it lets an export's visitor be matched or a Lead created.
    await page.getByLabel("[](Q4)").selectOption("Lead.Email");
    await page.getByRole("button", { name: "Save" }).click();
    await visible(page.getByText("Saved."));
    expect(await page.getByLabel("[](Q1)").inputValue()).toBe("Lead.Vehicle__c");
    expect(await page.locator("#save-warnings").count()).toBe(0);
    // A save answers what the free checks found: two questions on one field.
    await page.getByLabel("[](Q2)").selectOption("Lead.Vehicle__c");
    await page.getByRole("button", { name: "Save" }).click();
    await visible(page.locator('#save-warnings [data-warning="config.mapping"]'));
    await visible(page.locator("#save-warnings").getByText("Several questions write one field: Q1 and Q2 → Lead.Vehicle__c"));
    await shot(page, "5a-save-warnings");
    await page.getByLabel("[](Q2)").selectOption("");
    await page.getByRole("button", { name: "Save" }).click();
    await visible(page.getByText("Saved."));
    expect(await page.locator("#save-warnings").count()).toBe(0);
    // The preview shows the records the car dealer conversation would write, and writes nothing.
    await page.getByLabel("Conversation export").fill(readFileSync(new URL("../fixtures/conversations/car-dealer.json", import.meta.url).pathname, "utf8"));
    await page.getByRole("button", { name: "Preview" }).click();
    await visible(page.locator('tr[data-tag="Q1"]').getByRole("cell", { name: "Lead.Vehicle__c" }));
    await visible(page.getByRole("heading", { name: "Lead: created" }));
    expect(await page.locator('#preview-lead tr[data-field="Vehicle__c"] code').textContent()).toBe('"The new Zoe\\nin blue if possible"');
    expect(await page.locator('#preview-lead tr[data-field="Email"] code').textContent()).toBe('"jane.doe@example.com"');
    expect(await page.locator('#preview-conversation tr[data-field="Conversation_Id__c"] code').textContent()).toBe('"(export)"');
    expect(world.salesforce.orgs.get(customer.orgId)?.all("Lead") ?? []).toHaveLength(0);
    await shot(page, "5-mapping");

    // 4. The checks pass.
    await page.getByRole("link", { name: "Checks" }).click();
    await page.getByRole("button", { name: "Run the checks" }).click();
    await visible(page.getByText("Everything needed works."));
    for (const id of ["iadvize.project", "salesforce.auth", "salesforce.mapping"]) {
      expect(await page.locator(`[data-check="${id}"]`).getAttribute("data-status")).toBe("ok");
    }
    // The page shows the preflight's whole checklist (POST /admin/api/tenants/:id/check), in its order.
    const listed = await page.locator("[data-check]").evaluateAll((lines) => lines.map((line) => line.getAttribute("data-check")));
    expect(listed).toEqual([
      "iadvize.login",
      "iadvize.schema",
      "iadvize.project",
      "salesforce.auth",
      "salesforce.package",
      "salesforce.mapping",
      "salesforce.assignment",
      "salesforce.api_usage",
      "escalation.provider",
    ]);
    await shot(page, "6-checks");

    // 5. iAdvize closes a conversation of this project; Activity shows it synced.
    const conversationId = await closeConversation(customer.projectId);
    await page.getByRole("link", { name: "Activity" }).click();
    await untilState(page, conversationId, "synced");
    expect(await page.locator('.counts [data-state="synced"] strong').textContent()).toBe("1");
    await shot(page, "7-activity");

    // The Lead in the customer's Salesforce carries the answer to Q1.
    const leads = world.salesforce.orgs.get(customer.orgId)?.all("Lead") ?? [];
    expect(leads.map((l) => l.Vehicle__c)).toEqual(["The new Zoe\nin blue if possible"]);

    // The preview also reads a recent conversation by its id: its Lead exists now and holds these values; nothing written.
    await page.getByRole("link", { name: "Mapping" }).click();
    await page.getByLabel("Or the id of a recent conversation").fill(conversationId);
    await page.getByRole("button", { name: "Preview" }).click();
    const lead = world.salesforce.orgs.get(customer.orgId)?.all("Lead")[0];
    await visible(page.getByRole("heading", { name: `Lead unchanged (its fields already hold these values): ${String(lead?.Id)}` }));
    expect(await page.locator(`#preview-conversation tr[data-field="Conversation_Id__c"] code`).textContent()).toBe(JSON.stringify(conversationId));
    expect(world.salesforce.orgs.get(customer.orgId)?.all("Lead")).toHaveLength(1);

    // 6. The live iAdvize schema loses Visitor.email: the next conversation is held, and Activity says why and how to resume.
    await schemaVariant(customer.iadvizeUser.username, { removeFields: ["Visitor.email"] });
    const held = await closeConversation(customer.projectId);
    await page.getByRole("link", { name: "Activity" }).click();
    await untilState(page, held, "blocked");
    const hold = page.locator('[data-hold="iadvize_schema_mismatch"]');
    expect(await hold.getAttribute("data-hold-kind")).toBe("blocked");
    await visible(hold.getByText("Syncing is blocked:"));
    await visible(hold.locator("code", { hasText: "Visitor.email" }));
    await visible(hold.getByRole("link", { name: "run the checks again to resume." }));
    expect(await page.locator(`tr[data-conversation="${held}"] td`).nth(3).textContent()).toBe("iadvize_schema_mismatch: Visitor.email");
    expect(await page.locator('.counts [data-state="blocked"] strong').textContent()).toBe("1");
    await shot(page, "7b-activity-blocked");

    // Fixed: the checks pass again, release the hold, and the conversation syncs.
    await schemaVariant(customer.iadvizeUser.username, null);
    await hold.getByRole("link", { name: "run the checks again to resume." }).click();
    await page.getByRole("button", { name: "Run the checks" }).click();
    expect(await page.locator('[data-check="iadvize.schema"]').getAttribute("data-status")).toBe("ok");
    await page.getByRole("link", { name: "Activity" }).click();
    await untilState(page, held, "synced");
    expect(await page.locator("[data-hold]").count()).toBe(0);
    await page.close();
  });

  it("sets up chat-to-call: a key shown once, the API connection settings, and a test call", async () => {
    const customer = newCustomer(world);
    const account = `acct-${customer.projectId}`;
    world.callcentre.accounts.set(account, { secret: "callcentre-secret" });
    const page = await world.browser.newPage();
    await signIn(page, world.base, customer);
    await page.getByRole("link", { name: "Chat-to-call" }).click();
    await page.getByLabel("Webhook URL").fill(`${world.callcentre.url}/webhook/${account}`);
    await page.getByLabel("Signing secret").fill("callcentre-secret");
    await page.getByLabel("Allowed countries").fill("FR, BE");
    await page.getByRole("button", { name: "Save" }).click();
    await visible(page.getByText("The key, shown once: copy it now."));
    const url = (await page.locator("#api-url").textContent()) ?? "";
    expect(url).toMatch(new RegExp(`^${world.base}/escalations/[A-Za-z0-9_-]{32}/callback\\?phone=\\{phone\\}&consent=\\{consent\\}$`));
    await shot(page, "9-chat-to-call");

    // The bot's API connection, with the URL as shown.
    const bot = await fetch(url.replace("{phone}", encodeURIComponent("06 12 34 56 78")).replace("{consent}", "oui"));
    expect(((await bot.json()) as { status: string }).status).toBe("scheduled");

    // "Call me to test" runs the same path.
    await page.getByLabel("Phone number").fill("+33 6 98 76 54 32");
    await page.getByRole("button", { name: "Call me to test" }).click();
    await visible(page.getByRole("status").getByText(/^scheduled:/));
    const received = (await (await fetch(`${world.callcentre.url}/__emulator/callbacks?account=${account}`)).json()) as unknown[];
    expect(received).toHaveLength(2);

    // Shown once: the page never shows the key again.
    await page.reload();
    expect(await page.locator("#api-url").textContent()).toContain("/escalations/<key>/callback");
    await page.close();
  });

  it("saves another provider (Aircall) from the provider list, its token shown as set and never echoed, and a test call reaches it", async () => {
    const customer = newCustomer(world);
    const apiId = `aircall-${customer.projectId}`;
    world.callcentre.accounts.set(apiId, { secret: "aircall-token", users: [8] });
    const page = await world.browser.newPage();
    await signIn(page, world.base, customer);
    await page.getByRole("link", { name: "Chat-to-call" }).click();
    // Only the chosen provider's settings show.
    expect(await page.locator('fieldset[data-provider="aircall"]').isVisible()).toBe(false);
    await page.getByLabel("Provider", { exact: true }).selectOption("aircall");
    const aircall = page.locator('fieldset[data-provider="aircall"]');
    await visible(aircall);
    expect(await page.locator('fieldset[data-provider="webhook"]').isVisible()).toBe(false);
    expect(await aircall.getByLabel("API URL").inputValue()).toBe("https://api.aircall.io");
    await aircall.getByLabel("API URL").fill(`${world.callcentre.url}/aircall`);
    await aircall.getByLabel("API id").fill(apiId);
    await aircall.getByLabel("API token").fill("aircall-token");
    await aircall.getByLabel("User id").fill("8");
    await aircall.getByLabel("Number id").fill("1");
    await page.getByRole("button", { name: "Save" }).click();
    await visible(page.getByText("The key, shown once: copy it now."));
    await visible(page.getByText("Saved.", { exact: true }));
    expect(await page.locator("[data-provider-current]").getAttribute("data-provider-current")).toBe("aircall");
    expect(await aircall.locator("#aircall-apiToken-status").getAttribute("data-secret")).toBe("set");
    expect(await aircall.getByLabel("API token").inputValue()).toBe("");
    expect(await page.content()).not.toContain("aircall-token");
    await shot(page, "9b-chat-to-call-aircall");

    await page.getByLabel("Phone number").fill("+33 6 98 76 54 32");
    await page.getByRole("button", { name: "Call me to test" }).click();
    await visible(page.getByRole("status").getByText(/^scheduled:/));
    const received = (await (await fetch(`${world.callcentre.url}/__emulator/callbacks?account=${apiId}`)).json()) as { provider: string }[];
    expect(received.map((r) => r.provider)).toEqual(["aircall"]);
    await page.close();
  });

  it("shows what the save's checks found on the way back from Connect Salesforce", async () => {
    const customer = newCustomer(world);
    // The operator mapped two questions to one field before the admin connects the org.
    const put = await fetch(`${world.base}/admin/api/tenants/${customer.tenantId}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ iadvize: customer.iadvizeUser, mapping: { Q1: { object: "Lead", field: "Vehicle__c" }, Q2: { object: "Lead", field: "Vehicle__c" } } }),
    });
    expect(put.status).toBe(201);
    const page = await world.browser.newPage();
    await signIn(page, world.base, customer);
    await page.getByRole("link", { name: "Salesforce" }).click();
    await page.getByRole("link", { name: "Connect Salesforce" }).click();
    await page.getByLabel("Username").fill(customer.sfUser.username);
    await page.getByLabel("Password").fill(customer.sfUser.password);
    await page.getByRole("button", { name: "Log In" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(`**/setup/t/${customer.tenantId}/salesforce?saved=1`);
    await visible(page.getByText("Salesforce is connected."));
    await visible(page.locator('#save-warnings [data-warning="config.mapping"]'));
    expect(await page.locator("#save-warnings [data-warning]").evaluateAll((els) => els.map((el) => el.getAttribute("data-warning")))).toEqual(["config.mapping"]);
    await page.close();
  });
});
