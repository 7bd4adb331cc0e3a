// The browser tests' world, in Node: the emulators, the Worker bundled as deployed and run
// in workerd (Miniflare, local D1 and Queues with their consumers), and a real Chromium
// from the npm package @sparticuz/chromium (or the system's, when CHROMIUM_PATH names one).
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import chromium from "@sparticuz/chromium";
import { chromium as playwright } from "playwright-core";
import type { Browser, Locator, Page } from "playwright-core";
import { startCallCentreEmulator } from "../emulators/callcentre/server.ts";
import type { CallCentreEmulator } from "../emulators/callcentre/server.ts";
import { startIadvizeEmulator } from "../emulators/iadvize/server.ts";
import type { IadvizeEmulator } from "../emulators/iadvize/server.ts";
import { startSalesforceEmulator } from "../emulators/salesforce/server.ts";
import type { SalesforceEmulator } from "../emulators/salesforce/server.ts";
import { CUSTOMER_FIELDS } from "../emulators/salesforce/seed.ts";
import { startConnector } from "../bench/runtime.ts";
import { TEST_SECRETS } from "../helpers/secrets.ts";
import { uniqueProjectId } from "../helpers/ids.ts";

export const CONNECTED_APP = { clientId: "operator-connected-app", clientSecret: "operator-connected-app-secret" };
export const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface World {
  base: string;
  iadvize: IadvizeEmulator;
  salesforce: SalesforceEmulator;
  callcentre: CallCentreEmulator;
  browser: Browser;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const iadvize = await startIadvizeEmulator();
  const salesforce = await startSalesforceEmulator();
  salesforce.addConnectedApp(CONNECTED_APP);
  const callcentre = await startCallCentreEmulator();
  const { mf, url } = await startConnector({
    outdir: mkdtempSync(join(tmpdir(), "connector-browser-")),
    secrets: {
      ...TEST_SECRETS,
      IADVIZE_API_URL: iadvize.url,
      SALESFORCE_CLIENT_ID: CONNECTED_APP.clientId,
      SALESFORCE_CLIENT_SECRET: CONNECTED_APP.clientSecret,
      SALESFORCE_LOGIN_URL: salesforce.url,
      // The emulators speak http on localhost: allowed here as in the workerd tests.
      ALLOW_TEST_ORIGINS: `${salesforce.url},${callcentre.url}`,
    },
  });
  const executablePath = process.env.CHROMIUM_PATH ?? (await chromium.executablePath());
  const browser = await playwright.launch({ executablePath, args: CHROMIUM_FLAGS });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    base: url.origin,
    iadvize,
    salesforce,
    callcentre,
    browser,
    async close() {
      await browser.close();
      await mf.dispose();
      await Promise.all([iadvize.close(), salesforce.close(), callcentre.close()]);
    },
  };
}

/** A project of its own, an iAdvize API user who may read it, and a Salesforce org with a user who may consent. */
export function newCustomer(world: World) {
  const projectId = uniqueProjectId();
  const suffix = crypto.randomUUID().slice(0, 8);
  const iadvizeUser = { username: `admin-${suffix}@acme.example`, password: `pw-${suffix}` };
  world.iadvize.addUser(iadvizeUser.username, iadvizeUser.password, [projectId]);
  const orgId = `org${suffix}`;
  world.salesforce.addOrg({ id: orgId, clientId: `unused-${suffix}`, extraFields: CUSTOMER_FIELDS });
  const sfUser = { orgId, username: `admin@${suffix}.example`, password: `sf-${suffix}`, userId: "005000000000002AAA", displayName: "Org Admin" };
  world.salesforce.addUser(sfUser);
  return { projectId, tenantId: `ha-${projectId}`, iadvizeUser, sfUser, orgId };
}
export type Customer = ReturnType<typeof newCustomer>;

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Signs a tenant admin in through the /setup form. */
export async function signIn(page: Page, base: string, customer: Customer): Promise<void> {
  await page.goto(`${base}/setup?lang=en`);
  await page.getByLabel("Project id").fill(String(customer.projectId));
  await page.getByLabel("API user email").fill(customer.iadvizeUser.username);
  await page.getByLabel("Password").fill(customer.iadvizeUser.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`**/setup/t/${customer.tenantId}/iadvize`);
}

/** Waits until the element shows (playwright-core has no expect of its own). */
export async function visible(locator: Locator): Promise<void> {
  await locator.waitFor({ state: "visible", timeout: 15_000 });
}
