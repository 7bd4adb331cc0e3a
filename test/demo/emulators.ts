// The outside world of the local demo: the iAdvize and Salesforce emulators, seeded
// with the car dealer conversation, its API user, and the customer's Salesforce org.
import { startIadvizeEmulator } from "../emulators/iadvize/server.ts";
import { CAR_DEALER, DEMO_USER } from "../emulators/iadvize/seed.ts";
import { startSalesforceEmulator } from "../emulators/salesforce/server.ts";
import { CUSTOMER_FIELDS } from "../emulators/salesforce/seed.ts";

export const DEMO_ORG = { id: "demo", clientId: "demo-connected-app", clientSecret: "demo-client-secret" };

export async function startDemoEmulators(ports: { iadvize: number; salesforce: number }) {
  const iadvize = await startIadvizeEmulator({ port: ports.iadvize });
  iadvize.addUser(DEMO_USER.username, DEMO_USER.password);
  iadvize.addConversation(CAR_DEALER);
  const salesforce = await startSalesforceEmulator({ port: ports.salesforce });
  salesforce.addOrg({ ...DEMO_ORG, extraFields: CUSTOMER_FIELDS });
  return { iadvize, salesforce };
}
