// The Salesforce data model the connector writes, as shipped in salesforce/ (the
// metadata package). A test checks that every field named here is defined there.

export const API_VERSION = "62.0";

export const LEAD = {
  object: "Lead",
  /** External id, unique: the iAdvize visitor id. */
  visitorId: "iAdvize_Visitor_Id__c",
} as const;

export const CONVERSATION = {
  object: "iAdvize_Conversation__c",
  /** External id, unique: the iAdvize conversation id. */
  conversationId: "Conversation_Id__c",
  lead: "Lead__c",
  leadRelationship: "Lead__r",
  contact: "Contact__c",
  visitorId: "Visitor_Id__c",
  project: "Project__c",
  channel: "Channel__c",
  startedAt: "Started_At__c",
  closedAt: "Closed_At__c",
  operators: "Operators__c",
  transcript: "Transcript__c",
  answers: "Answers__c",
  unanswered: "Unanswered__c",
  satisfaction: "Satisfaction__c",
  callbackRequestedAt: "Callback_Requested_At__c",
  callbackOutcome: "Callback_Outcome__c",
  callbackReference: "Callback_Reference__c",
  csat: "CSAT__c",
  nps: "NPS__c",
  satisfactionComment: "Satisfaction_Comment__c",
  transactions: "Transactions__c",
  transactionTotal: "Transaction_Total__c",
  transactionCount: "Transaction_Count__c",
} as const;

/** Every custom field the code writes, per object: checked against the package by a test. */
export const WRITTEN_CUSTOM_FIELDS: Record<string, readonly string[]> = {
  [LEAD.object]: [LEAD.visitorId],
  [CONVERSATION.object]: Object.entries(CONVERSATION)
    .filter(([k, v]) => k !== "object" && k !== "leadRelationship" && v.endsWith("__c"))
    .map(([, v]) => v),
};
