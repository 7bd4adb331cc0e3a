// The OpenAPI description of the call-to-messaging endpoint, served at /deflections/openapi.json:
// generated from its zod schemas by `npm run openapi` (src/openapi/deflection.ts).
import generated from "../openapi/generated/deflection.json";

export const OPENAPI = generated;
