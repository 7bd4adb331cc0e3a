// Rules shared by the integrations' configuration slices: how strictly a tenant's
// configuration is checked, and the URL fields it holds.
import * as z from "zod";

/**
 * Admin input is checked strictly: URLs are https on a public host name, keys parse.
 * What is stored passed those checks when it was saved, and is read back as it is.
 */
export interface ConfigRules {
  strict: boolean;
  /** Origins allowed besides (`ALLOW_TEST_ORIGINS`): the emulators of the tests and the local demo. */
  testOrigins: ReadonlySet<string>;
}

export const STORED_RULES: ConfigRules = { strict: false, testOrigins: new Set() };

export const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** The host's own rule, beyond being public: e.g. only Salesforce's domains. */
export interface HostRule {
  allows: (hostname: string) => boolean;
  message: string;
}

const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[.*\])$/;
const LOCAL_HOST = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/** Why a URL cannot be used as a tenant's endpoint, or undefined when it can. */
function urlProblem(raw: string, rules: ConfigRules, host: HostRule | undefined): string | undefined {
  // Not a URL at all: the URL check itself says so.
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  if (rules.testOrigins.has(url.origin)) return undefined;
  if (url.protocol !== "https:") return "must use https";
  if (url.username || url.password) return "must not carry credentials";
  // `localhost.` is `localhost`: one trailing dot (the DNS root) names the same host.
  const hostname = url.hostname.toLowerCase().replace(/\.$/, "");
  if (IP_LITERAL.test(hostname) || LOCAL_HOST.test(hostname) || !hostname.includes(".")) {
    return "must be a public host name, not an address or a local name";
  }
  if (host && !host.allows(hostname)) return host.message;
  return undefined;
}

/** An endpoint URL of a tenant: https on a public host (and the host's own rule) when strict. */
export function endpointUrl(rules: ConfigRules, host?: HostRule): z.ZodType<string> {
  if (!rules.strict) return HttpUrl;
  return HttpUrl.superRefine((raw, ctx) => {
    const problem = urlProblem(raw, rules, host);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}
