// The Conversation record's fields that show a conversation started from the IVR (a call
// moved to messaging): which deflection, when, why, on which channel. In salesforce/ as
// their own field files and permission set entries; package.ts checks them with the rest.

export const CONVERSATION_DEFLECTION = {
  id: "IVR_Deflection_Id__c",
  at: "IVR_Deflected_At__c",
  reason: "IVR_Deflection_Reason__c",
  channel: "IVR_Deflection_Channel__c",
} as const;

export const DEFLECTION_FIELDS: readonly string[] = Object.values(CONVERSATION_DEFLECTION);
