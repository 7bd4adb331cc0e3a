// The key in a bot's API connection URL, in escalation's own table.
import { endpointKeys } from "../outreach/keys.ts";

export { MIN_KEY_LENGTH } from "../outreach/keys.ts";

const keys = endpointKeys("escalation_keys");
export const tenantOfKey = keys.tenantOf;
export const setKeyStatements = keys.setStatements;
