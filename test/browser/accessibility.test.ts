// The console used as a keyboard user and a screen reader would: every form control of
// every page has a label, the navigation and the forms work from the keyboard alone, and
// the copy buttons copy what they sit next to.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const PAGES = ["iadvize", "salesforce", "mapping", "escalation", "checks", "activity"];

/** The controls a person can reach on the page that have no label (label[for] or aria-label). */
async function unlabelled(page: Page): Promise<string[]> {
  const controls = await page
    .locator("input:not([type=hidden]), select, textarea")
    .evaluateAll((els) => els.map((el) => ({ id: el.getAttribute("id") ?? "", name: el.getAttribute("name") ?? "", aria: el.getAttribute("aria-label") ?? "" })));
  const missing: string[] = [];
  for (const c of controls) {
    if (c.aria) continue;
    if (!c.id || (await page.locator(`label[for="${c.id}"]`).count()) !== 1) missing.push(c.id || c.name);
  }
  return missing;
}

/** What has the focus: its id, or else its text. */
const focused = async (page: Page): Promise<string> =>
  String(await page.evaluate("document.activeElement ? (document.activeElement.id || (document.activeElement.textContent || '').trim()) : ''"));

/** Presses Tab until the focused element's id or text is `target` (at most 60 times). */
async function tabTo(page: Page, target: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    if ((await focused(page)) === target) return;
  }
  throw new Error(`${target} is not reachable with Tab`);
}

const clipboard = async (page: Page): Promise<string> => String(await page.evaluate("navigator.clipboard.readText()"));

describe("setup console: labels and keyboard", () => {
  it("labels every form control of every page, in English and French", async () => {
    const customer = newCustomer(world);
    const page = await world.browser.newPage();
    expect((await page.goto(`${world.base}/setup?lang=fr`))?.status()).toBe(200);
    expect(await unlabelled(page)).toEqual([]);
    await signIn(page, world.base, customer);
    for (const lang of ["en", "fr"]) {
      for (const name of PAGES) {
        await page.goto(`${world.base}/setup/t/${customer.tenantId}/${name}?lang=${lang}`);
        expect([lang, name, await unlabelled(page)]).toEqual([lang, name, []]);
        expect(await page.getAttribute("html", "lang")).toBe(lang);
      }
    }
    await page.close();
  });

  it("works from the keyboard: the navigation, a form, and the copy buttons", async () => {
    const customer = newCustomer(world);
    const account = `acct-${customer.projectId}`;
    world.callcentre.accounts.set(account, { secret: "keyboard-secret" });
    const context = await world.browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: world.base });
    const page = await context.newPage();
    await signIn(page, world.base, customer);

    // The navigation, by Tab and Enter.
    await tabTo(page, "Chat-to-call");
    await Promise.all([page.waitForURL(`**/setup/t/${customer.tenantId}/escalation`), page.keyboard.press("Enter")]);

    // The provider form, typed and sent from the keyboard.
    await tabTo(page, "type");
    expect(await page.locator("#type").inputValue()).toBe("webhook");
    await page.keyboard.press("Tab");
    await page.keyboard.type(`${world.callcentre.url}/webhook/${account}`);
    await page.keyboard.press("Tab");
    await page.keyboard.type("keyboard-secret");
    await tabTo(page, "Save");
    await page.keyboard.press("Enter");
    await visible(page.getByText("The key, shown once: copy it now."));
    expect(await page.locator('[data-provider-current="webhook"]').count()).toBe(1);

    // Each copy button copies the text it sits next to: the URL with the key, and each output's JSON path.
    const url = (await page.locator("#api-url").textContent()) ?? "";
    expect(url).toContain("/escalations/");
    await tabTo(page, "Copy");
    await page.keyboard.press("Enter");
    expect(await clipboard(page)).toBe(url);
    await tabTo(page, "Copy");
    await page.keyboard.press("Enter");
    expect(await clipboard(page)).toBe("$.status");
    await shot(page, "keyboard-chat-to-call");
    await context.close();
  });
});
