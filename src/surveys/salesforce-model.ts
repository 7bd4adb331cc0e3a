// Where survey results go in Salesforce, as shipped in salesforce/ (a test checks every
// field is in the package and the permission set): the Conversation record's survey
// fields, or a Survey Response record when the survey points to no conversation.

export const CONVERSATION_SURVEY = {
  object: "iAdvize_Conversation__c",
  externalId: "Conversation_Id__c",
  surveyId: "Survey_Id__c",
  status: "Survey_Status__c",
  completedAt: "Survey_Completed_At__c",
  answers: "Survey_Answers__c",
  scores: ["Survey_Score_1__c", "Survey_Score_2__c", "Survey_Score_3__c"],
} as const;

export const SURVEY_RESPONSE = {
  object: "iAdvize_Survey_Response__c",
  externalId: "Session_Id__c",
  surveyId: "Survey_Id__c",
  status: "Status__c",
  completedAt: "Completed_At__c",
  answers: "Answers__c",
  scores: ["Score_1__c", "Score_2__c", "Score_3__c"],
  clientReference: "Client_Reference__c",
  sentAt: "Sent_At__c",
} as const;

/** Every custom field the survey writer sets, per object. */
export const SURVEY_FIELDS: Record<string, readonly string[]> = {
  [CONVERSATION_SURVEY.object]: [CONVERSATION_SURVEY.surveyId, CONVERSATION_SURVEY.status, CONVERSATION_SURVEY.completedAt, CONVERSATION_SURVEY.answers, ...CONVERSATION_SURVEY.scores],
  [SURVEY_RESPONSE.object]: [
    SURVEY_RESPONSE.externalId, SURVEY_RESPONSE.surveyId, SURVEY_RESPONSE.status, SURVEY_RESPONSE.completedAt, SURVEY_RESPONSE.answers,
    ...SURVEY_RESPONSE.scores, SURVEY_RESPONSE.clientReference, SURVEY_RESPONSE.sentAt,
  ],
};
