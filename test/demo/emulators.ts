// The outside world of the local demo: the iAdvize, Salesforce, call-centre and Twilio
// SMS emulators, seeded with the car dealer conversation, its API user, the customer's
// Salesforce org, call-centre account and Twilio account.
import { startIadvizeEmulator } from "../emulators/iadvize/server.ts";
import { CAR_DEALER, DEMO_USER } from "../emulators/iadvize/seed.ts";
import { startSalesforceEmulator } from "../emulators/salesforce/server.ts";
import { CUSTOMER_FIELDS } from "../emulators/salesforce/seed.ts";
import { startCallCentreEmulator } from "../emulators/callcentre/server.ts";
import { startSmsEmulator } from "../emulators/sms/server.ts";

export const DEMO_ORG = { id: "demo", clientId: "demo-connected-app", clientSecret: "demo-client-secret" };
/** The customer's own call-centre platform, reached by the generic signed webhook. */
/** The operator's connected app and the customer's Salesforce admin, for "Connect Salesforce" in the console. */
export const DEMO_CONNECTED_APP = { clientId: "demo-operator-connected-app", clientSecret: "demo-operator-app-secret" };
export const DEMO_SF_ADMIN = { orgId: DEMO_ORG.id, username: "admin@acme-motors.example", password: "demo-sf-password", userId: "005000000000002AAA", displayName: "Acme Admin" };
export const DEMO_CALLCENTRE = { account: "acme-callcentre", secret: "demo-callcentre-secret" };

/** The customer's Twilio account and number, from which surveys are sent. */
export const DEMO_TWILIO = { accountSid: "AC0de0a5e1f2c3b4a5d6e7f8091a2b3c4d", authToken: "demo-twilio-auth-token", from: "+33757000000" };
/** The same account's WhatsApp sender and approved template, for the IVR's call to messaging; the caller uses WhatsApp. */
export const DEMO_WHATSAPP = {
  from: "+33757000001",
  contentSid: "HX5e1f2c3b4a5d6e7f8091a2b3c4d0de0a",
  template: "Suite à votre appel chez Acme Motors ({{1}}), répondez à ce message pour continuer par écrit avec un conseiller.",
  caller: "+33698765432",
};

export async function startDemoEmulators(ports: { iadvize: number; salesforce: number; callcentre: number; sms: number }, workerUrl: string) {
  const iadvize = await startIadvizeEmulator({ port: ports.iadvize });
  iadvize.addUser(DEMO_USER.username, DEMO_USER.password);
  iadvize.addConversation(CAR_DEALER);
  const salesforce = await startSalesforceEmulator({ port: ports.salesforce });
  salesforce.addOrg({ ...DEMO_ORG, extraFields: CUSTOMER_FIELDS });
  salesforce.addConnectedApp(DEMO_CONNECTED_APP);
  salesforce.addUser(DEMO_SF_ADMIN);
  const callcentre = await startCallCentreEmulator({ port: ports.callcentre });
  callcentre.accounts.set(DEMO_CALLCENTRE.account, { secret: DEMO_CALLCENTRE.secret });
  const sms = await startSmsEmulator({ port: ports.sms });
  // The number's "A message comes in" webhook, as set in the Twilio console.
  sms.accounts.set(DEMO_TWILIO.accountSid, {
    authToken: DEMO_TWILIO.authToken,
    numbers: [DEMO_TWILIO.from],
    inboundUrl: `${workerUrl}/sms/inbound/twilio`,
    whatsappSenders: [DEMO_WHATSAPP.from],
    whatsappUsers: [DEMO_WHATSAPP.caller],
    templates: { [DEMO_WHATSAPP.contentSid]: DEMO_WHATSAPP.template },
  });
  return { iadvize, salesforce, callcentre, sms };
}
