// Drives the setup console from workerd tests: an operator's session, pages read and forms posted as a browser does.
import { env, exports } from "cloudflare:workers";
import { uniqueProjectId } from "./ids.ts";
import { ADMIN_TOKEN } from "./secrets.ts";
import { BASE } from "./webhook.ts";

const randomIp = () => `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** The cookie of an operator's session (it may open every tenant's pages). */
export async function operatorCookie(): Promise<string> {
  const res = await exports.default.fetch(`${BASE}/setup/operator`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "cf-connecting-ip": randomIp() },
    body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
    redirect: "manual",
  });
  if (res.status !== 303) throw new Error(`operator sign-in: ${res.status}`);
  return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

/** A new iAdvize admin of a new project on the emulator, signed in to the console: the tenant and the session cookie. */
export async function iadvizeSignedIn(): Promise<{ tenantId: string; cookie: string }> {
  const project = uniqueProjectId();
  const user = { username: `admin-${crypto.randomUUID()}@acme.example`, password: crypto.randomUUID(), projects: [project] };
  const made = await fetch(`${env.IADVIZE_API_URL}/__emulator/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
  if (!made.ok) throw new Error(`emulator: ${made.status}`);
  const res = await exports.default.fetch(`${BASE}/setup/signin`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "cf-connecting-ip": randomIp() },
    body: new URLSearchParams({ platform: "ha", projectId: String(project), email: user.username, password: user.password }).toString(),
    redirect: "manual",
  });
  if (res.status !== 303) throw new Error(`iAdvize sign-in: ${res.status}`);
  return { tenantId: `ha-${project}`, cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "" };
}

export function consoleGet(path: string, cookie: string): Promise<Response> {
  return exports.default.fetch(`${BASE}/setup${path}${path.includes("?") ? "&" : "?"}lang=en`, { headers: { cookie }, redirect: "manual" });
}

export function consolePost(path: string, cookie: string, form: Record<string, string>): Promise<Response> {
  return exports.default.fetch(`${BASE}/setup${path}?lang=en`, {
    method: "POST",
    headers: { cookie, origin: BASE, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
}

/** The `data-*` attributes of every element carrying `attribute`, in page order. */
export function dataOf(html: string, attribute: string): string[] {
  return [...html.matchAll(new RegExp(`${attribute}="([^"]*)"`, "g"))].map((m) => m[1] ?? "");
}
