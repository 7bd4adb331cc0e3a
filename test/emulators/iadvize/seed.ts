// The conversations and API users the iAdvize emulator starts with, for tests and the demo.
import type { ChatMessage } from "../../../src/qualification/messages.ts";
import { conversations } from "../../fixtures/conversations/index.ts";

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
  messages: ChatMessage[];
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
  messages: conversations.carDealer,
};
