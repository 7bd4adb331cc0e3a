// Splits a configuration into what may be shown and what is kept encrypted, and joins them back.
import { AppError } from "../errors.ts";
import type { TenantConfig, TenantInput } from "./schema.ts";
import { SECRET_PATHS, TenantConfig as TenantConfigSchema } from "./schema.ts";

export type Secrets = Partial<Record<(typeof SECRET_PATHS)[number], string>>;
type Json = Record<string, unknown>;

function parentOf(root: Json, path: string): { parent: Json; key: string } | undefined {
  const parts = path.split(".");
  const key = parts.pop();
  let node: unknown = root;
  for (const p of parts) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Json)[p];
  }
  if (typeof node !== "object" || node === null || key === undefined) return undefined;
  return { parent: node as Json, key };
}

/**
 * Takes the secrets out of an admin's input. `{"set": true}` keeps the stored value,
 * and is refused when there is none.
 */
export function splitSecrets(input: TenantInput, stored: Secrets): { settings: Json; secrets: Secrets } {
  const settings = structuredClone(input) as Json;
  const secrets: Secrets = {};
  for (const path of SECRET_PATHS) {
    const at = parentOf(settings, path);
    if (!at || !(at.key in at.parent)) continue;
    const value = at.parent[at.key];
    delete at.parent[at.key];
    if (typeof value === "string") {
      secrets[path] = value;
    } else if (value !== undefined) {
      const kept = stored[path];
      if (kept === undefined) {
        throw new AppError("invalid_request", `${path} has no stored value to keep; give its value.`, {
          details: [{ path, message: "no stored value" }],
        });
      }
      secrets[path] = kept;
    }
  }
  return { settings, secrets };
}

/** The configuration as the app uses it. */
export function joinSecrets(settings: Json, secrets: Secrets): TenantConfig {
  const full = structuredClone(settings);
  for (const [path, value] of Object.entries(secrets)) {
    const at = parentOf(full, path);
    if (at) at.parent[at.key] = value;
  }
  return TenantConfigSchema.parse(full);
}

/** The configuration as the admin API shows it: each stored secret is `{"set": true}`. */
export function redact(settings: Json, secrets: Secrets): Json {
  const view = structuredClone(settings);
  for (const path of Object.keys(secrets)) {
    const at = parentOf(view, path);
    if (at) at.parent[at.key] = { set: true };
  }
  return view;
}
