// The OpenAPI description of the escalation endpoint, served at /escalations/openapi.json:
// generated from its zod schemas by `npm run openapi` (src/openapi/escalation.ts).
import generated from "../openapi/generated/escalation.json";

export const OPENAPI = generated;
