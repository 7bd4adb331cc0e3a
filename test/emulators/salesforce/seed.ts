// The demo org: the customer's own Lead fields the tagged answers are mapped to.
import type { FieldDef } from "./schema.ts";

export const CUSTOMER_FIELDS: Record<string, FieldDef[]> = {
  Lead: [
    { name: "Vehicle__c", type: "string", length: 255, createable: true, updateable: true, nillable: true },
    { name: "Engine__c", type: "picklist", createable: true, updateable: true, nillable: true, picklist: { values: ["Electric", "Hybrid", "Petrol"], restricted: true } },
    { name: "Test_Drive__c", type: "string", length: 40, createable: true, updateable: true, nillable: true },
  ],
};

/** Q1 vehicle, Q2 engine, Q3 test drive, Q4 email: the car dealer conversation's questions. */
export const DEMO_MAPPING = {
  Q1: { object: "Lead", field: "Vehicle__c" },
  Q2: { object: "Lead", field: "Engine__c" },
  Q3: { object: "Lead", field: "Test_Drive__c" },
  Q4: { object: "Lead", field: "Email" },
} as const;
