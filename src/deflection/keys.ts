// The key in an IVR's request URL, in deflection's own table.
import { endpointKeys } from "../outreach/keys.ts";

const keys = endpointKeys("deflection_keys");
export const tenantOfKey = keys.tenantOf;
export const setKeyStatements = keys.setStatements;
