// The shared provider call: a redirect is never followed (it could lead to a private host).
import { describe, expect, it } from "vitest";
import { send } from "../../src/outreach/http.ts";

describe("provider calls", () => {
  it("does not follow a redirect and reports it as a provider error", async () => {
    const seen: RequestInit[] = [];
    // The platform's answer: a redirect to the cloud metadata address.
    const fetcher: typeof fetch = async (_url, init) => {
      seen.push(init ?? {});
      if (init?.redirect !== "manual") return new Response("secret metadata", { status: 200 });
      return new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/" } });
    };
    const sent = await send(fetcher, "https://api.provider.example/send", { method: "POST" }, new AbortController().signal);
    expect(sent).toEqual({ ok: false, result: { kind: "refused", code: "provider_redirect" } });
    expect(seen).toHaveLength(1);
  });
});
