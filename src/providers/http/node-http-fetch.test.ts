import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeHttpFetch } from "./node-http-fetch.ts";

let server: Server;
let base = "";
const received: Array<{ method: string; headers: Record<string, unknown>; body: string }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ method: request.method ?? "", headers: request.headers, body });
      if (request.url === "/empty") return response.writeHead(204).end();
      if (request.url === "/events") {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write("data: one\n\n");
        return response.end("data: two\n\n");
      }
      if (request.url === "/never") return;
      response.writeHead(429, { "content-type": "application/json", "retry-after": "3" });
      response.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("nodeHttpFetch", () => {
  it("sends the method, headers and body, and returns status, headers and the whole body", async () => {
    const response = await nodeHttpFetch(`${base}/json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-test": "yes" },
      body: '{"a":"é"}',
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(response).toBeInstanceOf(Response);
    expect(response.ok).toBe(false);
    expect(await response.json()).toEqual({ echoed: '{"a":"é"}' });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow("already been read");

    const last = received.at(-1);
    expect(last?.method).toBe("POST");
    expect(last?.headers["x-test"]).toBe("yes");
    expect(last?.headers["content-length"]).toBe(String(Buffer.byteLength('{"a":"é"}')));
    // The body stays readable as a stream, for code that reads it so.
    const again = await nodeHttpFetch(`${base}/json`, { method: "POST", body: "x" });
    expect(await new Response(again.body).json()).toEqual({ echoed: "x" });
  });

  it("keeps a server-sent event reply a stream, and a 204 bodiless", async () => {
    const events = await nodeHttpFetch(`${base}/events`);
    expect(await events.text()).toBe("data: one\n\ndata: two\n\n");
    const empty = await nodeHttpFetch(`${base}/empty`, { method: "DELETE" });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it("rejects with the signal's reason on abort, and as undici does when nothing listens", async () => {
    const controller = new AbortController();
    const before = received.length;
    const pending = nodeHttpFetch(`${base}/never`, { signal: controller.signal });
    await expect.poll(() => received.length).toBe(before + 1);
    controller.abort(new Error("stopped by the test"));
    await expect(pending).rejects.toThrow("stopped by the test");
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await nodeHttpFetch(`http://127.0.0.1:${port}/`).catch((error) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError).message).toBe("fetch failed");
    expect(((refused as TypeError).cause as { code?: string }).code).toBe("ECONNREFUSED");
  });
});
