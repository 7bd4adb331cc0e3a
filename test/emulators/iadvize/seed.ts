// The conversations and API users the iAdvize emulator starts with, for tests and the demo.
// The emulator's own types: nothing here comes from the connector's code.
import carDealer from "../../fixtures/conversations/car-dealer.json" with { type: "json" };

export interface SeedMessage {
  role: "visitor" | "operator" | "bot" | "system";
  text: string;
  createdAt: string;
  /** Served as a message of this GraphQL type instead of the role's (a variant's added type). */
  type?: string;
}

export interface SeedConversation {
  id: string;
  platform: "ha" | "sd";
  projectId: number;
  createdAt: string;
  closedAt: string | null;
  channel: string;
  language: string;
  visitor: {
    id: string;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    phoneNumber: string | null;
    city: string | null;
    country: string | null;
    externalUserId: string | null;
  };
  customData: { key: string; value: string | number | boolean }[];
  messages: SeedMessage[];
}

export const DEMO_USER = { username: "connector@acme-motors.example", password: "demo-password" };

/** The car dealer conversation of the demo: its ids match the webhook fixtures. */
export const CAR_DEALER: SeedConversation = {
  id: "9a7d4c2e-1f3b-4a5c-8d6e-7f8091a2b3c4",
  platform: "ha",
  projectId: 3291,
  createdAt: "2026-11-20T09:12:03.000Z",
  closedAt: "2026-11-20T09:31:47.000Z",
  channel: "CHAT",
  language: "en",
  visitor: {
    id: "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f",
    firstName: "Jane",
    lastName: "Doe",
    email: null,
    phoneNumber: null,
    city: "Nantes",
    country: "FR",
    externalUserId: null,
  },
  customData: [
    { key: "cust_name", value: "Jane Doe" },
    { key: "cart_amount", value: 0 },
    { key: "returning_visitor", value: true },
  ],
  messages: carDealer as SeedMessage[],
};
