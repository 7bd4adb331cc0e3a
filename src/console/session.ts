// Console sessions: a signed, HttpOnly, Secure, SameSite=Strict cookie naming who signed
// in (a tenant's admin, scoped to that tenant, or the operator) and until when.
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { ConsoleEnv } from "./env.ts";

export type Session = { kind: "tenant"; tenantId: string; expiresAt: number } | { kind: "operator"; expiresAt: number };

export const SESSION_COOKIE = "console_session";
export const SESSION_LIFE_SEC = 8 * 60 * 60;

const secrets = new Map<string, Promise<string>>();

/** A key of its own for signing cookies, derived from the newest ENCRYPTION_KEY. */
export function cookieSecret(encryptionKey: string, purpose: string): Promise<string> {
  const id = `${purpose}:${encryptionKey}`;
  let secret = secrets.get(id);
  if (!secret) {
    secret = (async () => {
      const raw = Uint8Array.from(atob(encryptionKey), (ch) => ch.charCodeAt(0));
      const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`console:${purpose}`)));
      return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
    })();
    secrets.set(id, secret);
  }
  return secret;
}

const sessionSecret = (c: Context<ConsoleEnv>) => cookieSecret(c.var.config.ENCRYPTION_KEY[0] ?? "", "session");

function encode(s: Session): string {
  return s.kind === "tenant" ? `tenant.${s.tenantId}.${s.expiresAt}` : `operator..${s.expiresAt}`;
}

export function decodeSession(value: string, now: number): Session | undefined {
  const [kind, tenantId, exp] = value.split(".");
  const expiresAt = Number(exp);
  if (!Number.isInteger(expiresAt) || expiresAt <= now) return undefined;
  if (kind === "operator") return { kind, expiresAt };
  if (kind === "tenant" && tenantId && /^(ha|sd)-\d{1,18}$/.test(tenantId)) return { kind, tenantId, expiresAt };
  return undefined;
}

export async function startSession(c: Context<ConsoleEnv>, who: { kind: "tenant"; tenantId: string } | { kind: "operator" }, now: number): Promise<void> {
  const expiresAt = now + SESSION_LIFE_SEC * 1000;
  const session: Session = who.kind === "tenant" ? { ...who, expiresAt } : { kind: "operator", expiresAt };
  await setSignedCookie(c, SESSION_COOKIE, encode(session), await sessionSecret(c), {
    path: "/setup",
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: SESSION_LIFE_SEC,
  });
}

export async function readSession(c: Context<ConsoleEnv>, now: number): Promise<Session | undefined> {
  const value = await getSignedCookie(c, await sessionSecret(c), SESSION_COOKIE);
  return typeof value === "string" ? decodeSession(value, now) : undefined;
}

export function endSession(c: Context<ConsoleEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/setup", secure: true, httpOnly: true, sameSite: "Strict" });
}

/** Whether this session may see and change tenant `tenantId`. */
export function mayManage(session: Session, tenantId: string): boolean {
  return session.kind === "operator" || session.tenantId === tenantId;
}
