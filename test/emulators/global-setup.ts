// Starts the emulators once for the test run (in Node) and tells the Workers runtime
// where they listen.
import type { TestProject } from "vitest/node";
import { startIadvizeEmulator } from "./iadvize/server.ts";
import { CAR_DEALER, DEMO_USER } from "./iadvize/seed.ts";
import { startSalesforceEmulator } from "./salesforce/server.ts";
import { startCallCentreEmulator } from "./callcentre/server.ts";
import { startSmsEmulator } from "./sms/server.ts";
import { startMessagingEmulator } from "./messaging/server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    iadvizeUrl: string;
    salesforceUrl: string;
    callcentreUrl: string;
    smsUrl: string;
    messagingUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Every test of the run logs in from 127.0.0.1, hundreds of test tenants within a minute
  // now that files share one workerd: the per-IP login limit (100 a minute by default, no
  // test is about it) is raised so that it never answers for the whole run.
  const iadvize = await startIadvizeEmulator({ loginsPerMinutePerIp: 10_000 });
  iadvize.addUser(DEMO_USER.username, DEMO_USER.password);
  iadvize.addConversation(CAR_DEALER);
  project.provide("iadvizeUrl", iadvize.url);
  const salesforce = await startSalesforceEmulator();
  project.provide("salesforceUrl", salesforce.url);
  const callcentre = await startCallCentreEmulator();
  project.provide("callcentreUrl", callcentre.url);
  const sms = await startSmsEmulator();
  project.provide("smsUrl", sms.url);
  const messaging = await startMessagingEmulator();
  project.provide("messagingUrl", messaging.url);
  return async () => {
    await callcentre.close();
    await sms.close();
    await messaging.close();
    await iadvize.close();
    await salesforce.close();
  };
}
