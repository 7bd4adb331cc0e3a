// What the console refuses, in a real browser: a tenant's session never reaches another
// tenant, a form posted from another origin is refused (CSRF), a wrong or unauthorised
// iAdvize user does not get in; and the operator sees every tenant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendText, serve } from "../emulators/http.ts";
import { ADMIN_TOKEN } from "../helpers/secrets.ts";
import type { Customer, World } from "./harness.ts";
import { newCustomer, shot, signIn, startWorld, visible } from "./harness.ts";

let world: World;
let a: Customer;
let b: Customer;
beforeAll(async () => {
  world = await startWorld();
  a = newCustomer(world);
  b = newCustomer(world);
});
afterAll(async () => {
  await world?.close();
});

async function mappingOf(tenantId: string): Promise<unknown> {
  const res = await fetch(`${world.base}/admin/api/tenants/${tenantId}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return ((await res.json()) as { tenant: { config: { mapping: unknown } } }).tenant.config.mapping;
}

describe("setup console: who gets in, and where", () => {
  it("keeps a tenant's session to its own tenant", async () => {
    const contextB = await world.browser.newContext();
    await signIn(await contextB.newPage(), world.base, b);
    const context = await world.browser.newContext();
    const page = await context.newPage();
    await signIn(page, world.base, a);

    const res = await page.goto(`${world.base}/setup/t/${b.tenantId}/activity`);
    expect(res?.status()).toBe(403);
    await visible(page.getByRole("alert").getByText("You are not allowed to see this tenant."));
    expect(await page.content()).not.toContain(`/setup/t/${b.tenantId}/mapping`);
    await shot(page, "security-other-tenant");

    // A form post to the other tenant, from the console's own origin with A's cookie: refused, nothing written.
    const post = await context.request.post(`${world.base}/setup/t/${b.tenantId}/mapping`, {
      form: { "target-Q1": "Lead.Email" },
      headers: { origin: world.base },
    });
    expect(post.status()).toBe(403);
    expect(await mappingOf(b.tenantId)).toEqual({});
    // And its own tenant stays reachable.
    expect((await page.goto(`${world.base}/setup/t/${a.tenantId}/activity`))?.status()).toBe(200);
    await Promise.all([context.close(), contextB.close()]);
  });

  it("refuses a form posted from another origin", async () => {
    const context = await world.browser.newContext();
    const page = await context.newPage();
    await signIn(page, world.base, a);

    // With the session cookie, but from another origin: the CSRF check refuses it.
    const forged = await context.request.post(`${world.base}/setup/t/${a.tenantId}/iadvize`, {
      form: { email: "attacker@evil.example", password: "x" },
      headers: { origin: "http://evil.example" },
    });
    expect(forged.status()).toBe(403);

    // A real form on another origin (same site, another port: the session cookie goes along), submitted by the browser.
    const attacker = await serve(async (_req, res) =>
      sendText(res, 200, `<form method="post" action="${world.base}/setup/t/${a.tenantId}/mapping"><input name="target-Q1" value="Lead.Email"><button>go</button></form>`, "text/html"),
    );
    await page.goto(attacker.url);
    const [response] = await Promise.all([page.waitForResponse(`${world.base}/setup/t/${a.tenantId}/mapping`), page.getByRole("button", { name: "go" }).click()]);
    expect(response.status()).toBe(403);
    expect(await mappingOf(a.tenantId)).toEqual({});
    await Promise.all([context.close(), attacker.close()]);
  });

  it("refuses a wrong password and a user who cannot read the project", async () => {
    const page = await world.browser.newPage();
    await page.goto(`${world.base}/setup?lang=en`);
    await page.getByLabel("Project id").fill(String(a.projectId));
    await page.getByLabel("API user email").fill(a.iadvizeUser.username);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await visible(page.getByText("iAdvize refused this email and password."));

    // B's user exists but may not read A's project.
    await page.getByLabel("Project id").fill(String(a.projectId));
    await page.getByLabel("API user email").fill(b.iadvizeUser.username);
    await page.getByLabel("Password").fill(b.iadvizeUser.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await visible(page.getByText("This API user cannot read that project."));
    await shot(page, "security-no-access");
    expect(new URL(page.url()).pathname).toBe("/setup/signin");
    await page.close();
  });

  it("opens every tenant to the operator, in French too", async () => {
    const page = await world.browser.newPage();
    await page.goto(`${world.base}/setup/operator?lang=fr`);
    await page.getByLabel("Jeton d'administration").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL("**/setup/tenants");
    for (const c of [a, b]) await visible(page.locator(`tr[data-tenant="${c.tenantId}"]`));
    await shot(page, "8-operator");
    await page.getByRole("link", { name: b.tenantId }).click();
    await visible(page.getByRole("heading", { name: "Activité" }));
    expect(new URL(page.url()).pathname).toBe(`/setup/t/${b.tenantId}/activity`);
    await page.close();
  });
});
