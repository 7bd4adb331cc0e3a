// Console sign-in inside workerd: the iAdvize proof, the session cookie's attributes, the
// security headers, and brute-force throttling per tenant and per IP.
import { exports, env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { stats } from "../helpers/iadvize.ts";
import { BASE } from "../helpers/webhook.ts";
import { uniqueProjectId } from "../helpers/ids.ts";

async function newAdmin(projects: number[]): Promise<{ username: string; password: string }> {
  const user = { username: `admin-${crypto.randomUUID()}@acme.example`, password: crypto.randomUUID(), projects };
  const res = await fetch(`${env.IADVIZE_API_URL}/__emulator/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
  if (!res.ok) throw new Error(`emulator: ${res.status}`);
  return user;
}

const newProject = () => uniqueProjectId();

function signIn(form: Record<string, string>, ip = `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`): Promise<Response> {
  return exports.default.fetch(`${BASE}/setup/signin`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "cf-connecting-ip": ip },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
}

describe("console sign-in", () => {
  it("creates the tenant and opens a session scoped to it, in a strict cookie", async () => {
    const project = newProject();
    const user = await newAdmin([project]);
    const res = await signIn({ platform: "ha", projectId: String(project), email: user.username, password: user.password });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/setup/t/ha-${project}/iadvize`);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^console_session=/);
    for (const attribute of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/setup", "Max-Age=28800"]) expect(cookie).toContain(attribute);

    const tenant = await (await admin("GET", `/tenants/ha-${project}`)).json<{ tenant: { config: { iadvize: unknown } } }>();
    expect(tenant.tenant.config.iadvize).toEqual({ username: { set: true }, password: { set: true } });

    // The session opens this tenant's pages, and no other's.
    const session = cookie.split(";")[0] ?? "";
    const own = await exports.default.fetch(`${BASE}/setup/t/ha-${project}/activity`, { headers: { cookie: session }, redirect: "manual" });
    expect(own.status).toBe(200);
    const other = await exports.default.fetch(`${BASE}/setup/t/ha-${project + 1}/activity`, { headers: { cookie: session }, redirect: "manual" });
    expect(other.status).toBe(403);
    // A tampered cookie is no session at all.
    const tampered = await exports.default.fetch(`${BASE}/setup/t/ha-${project}/activity`, { headers: { cookie: session.replace(`ha-${project}`, `ha-${project + 1}`) }, redirect: "manual" });
    expect(tampered.status).toBe(303);
    expect(tampered.headers.get("location")).toBe("/setup");
  });

  it("refuses a user who cannot read the project, and creates nothing", async () => {
    const project = newProject();
    const user = await newAdmin([project + 1]);
    const res = await signIn({ platform: "ha", projectId: String(project), email: user.username, password: user.password });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("This API user cannot read that project.");
    expect((await admin("GET", `/tenants/ha-${project}`)).status).toBe(404);
  });

  it("serves every page with a strict CSP and no inline script", async () => {
    const res = await exports.default.fetch(`${BASE}/setup?lang=fr`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it("throttles attempts per tenant, without asking iAdvize once the limit is reached", async () => {
    const project = newProject();
    const user = await newAdmin([project]);
    for (let i = 0; i < 10; i++) {
      const res = await signIn({ platform: "ha", projectId: String(project), email: user.username, password: "wrong" });
      expect(res.status).toBe(401);
    }
    const before = await stats(user.username);
    const blocked = await signIn({ platform: "ha", projectId: String(project), email: user.username, password: user.password });
    expect(blocked.status).toBe(429);
    expect((await stats(user.username)).rejectedLogins + (await stats(user.username)).logins).toBe(before.rejectedLogins + before.logins);
  });

  it("throttles attempts per IP across tenants", async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const form = (p: number) => ({ platform: "ha", projectId: String(p), email: "nobody@acme.example", password: "x" });
    for (let i = 0; i < 20; i++) expect((await signIn(form(newProject()), ip)).status).toBe(401);
    expect((await signIn(form(newProject()), ip)).status).toBe(429);
    // Another IP still gets through to iAdvize.
    expect((await signIn(form(newProject()))).status).toBe(401);
  });
});
