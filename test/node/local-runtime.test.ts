// The Worker run as `npm start` runs it (wrangler dev), seen from outside: the webhook
// body bound over the wire (a request declaring 300,000 bytes, of which the client sends
// 10 and never the rest, is answered at once with a JSON 413; before, it hung until the
// body arrived; a chunked body over the bound is refused too, without its end), and a
// start that neither downloads nor complains about `Request.cf`.
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorker } from "./local-worker.ts";
import type { LocalWorker } from "./local-worker.ts";

/** The answer must come within this; the rest of the body never does. */
const ANSWER_WITHIN_MS = 5_000;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `head` and `bodyStart` on a raw socket, never more; resolves with the answer, or rejects after `withinMs`. */
function partialRequest(port: number, head: string, bodyStart: string, withinMs: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${withinMs} ms (received: ${JSON.stringify(received.toString("latin1"))})`));
    }, withinMs);
    const done = (answer: RawAnswer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    socket.on("connect", () => socket.write(head + bodyStart));
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseAnswer(received);
      if (answer) done(answer);
    });
  });
}

/** The answer once complete (a Content-Length body, or chunked up to its last chunk), else undefined. */
function parseAnswer(bytes: Buffer): RawAnswer | undefined {
  const text = bytes.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  const rest = bytes.subarray(end + 4);
  const status = Number(statusLine.split(" ")[1]);
  if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    return rest.length >= length ? { status, headers, body: rest.subarray(0, length).toString("utf8") } : undefined;
  }
  if (headers["transfer-encoding"]?.includes("chunked")) {
    let body = "";
    let at = 0;
    const raw = rest.toString("latin1");
    for (;;) {
      const lineEnd = raw.indexOf("\r\n", at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(raw.slice(at, lineEnd), 16);
      if (size === 0) return { status, headers, body: Buffer.from(body, "latin1").toString("utf8") };
      if (raw.length < lineEnd + 2 + size + 2) return undefined;
      body += raw.slice(lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }
  return undefined;
}

let worker: LocalWorker;
beforeAll(async () => {
  worker = await startLocalWorker(90_000);
}, 120_000);
afterAll(async () => worker?.stop());

describe("a declared Content-Length over the bound, over the wire", () => {
  it("300,000 bytes declared, 10 sent: a JSON 413 at once, the rest never sent", async () => {
    const head = [
      "POST /webhooks/iadvize HTTP/1.1",
      `Host: 127.0.0.1:${worker.port}`,
      "Content-Type: application/json",
      "Content-Length: 300000",
      // A well-formed signature header: only the size can refuse this request.
      `X-iAdvize-Signature: sha256=${"ab".repeat(32)}`,
      "",
      "",
    ].join("\r\n");
    const answer = await partialRequest(worker.port, head, '{"eventId"', ANSWER_WITHIN_MS);
    expect(answer.status).toBe(413);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "payload_too_large", message: expect.any(String) } });
  });
});

describe("a chunked body over the bound, over the wire", () => {
  it("320 KiB sent in 64 KiB chunks, no Content-Length, no last chunk: a JSON 413, the end never awaited", async () => {
    const head = [
      "POST /webhooks/iadvize HTTP/1.1",
      `Host: 127.0.0.1:${worker.port}`,
      "Content-Type: application/json",
      "Transfer-Encoding: chunked",
      `X-iAdvize-Signature: sha256=${"ab".repeat(32)}`,
      "",
      "",
    ].join("\r\n");
    const chunk = `${(64 * 1024).toString(16)}\r\n${"x".repeat(64 * 1024)}\r\n`;
    const answer = await partialRequest(worker.port, head, chunk.repeat(5), ANSWER_WITHIN_MS);
    expect(answer.status).toBe(413);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "payload_too_large", message: expect.any(String) } });
  });
});

describe("a quiet local start", () => {
  it("uses Miniflare's local Request.cf placeholder: no download, no stack trace about it", () => {
    expect(worker.output()).toContain("Ready on http");
    expect(worker.output()).not.toMatch(/Request\.cf|cf\.json/);
    // Had the download been tried and succeeded (online), the object would be cached here.
    expect(existsSync(join(worker.cacheDir, "cf.json"))).toBe(false);
  });
});
