/** The real server on a socket: which Host headers it answers, and what it never serves. */
import { request } from "node:http";
import { hostname } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../test/run-fixture.ts";
import { allowedHosts } from "./allowed-hosts.ts";
import { type RunningViewer, startViewer } from "./viewer-server.ts";

/** A GET with a Host header of our choosing (fetch will not send one). */
function get(url: string, path: string, host: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const call = request({ host: "127.0.0.1", port, path, headers: { Host: host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    call.on("error", reject);
    call.end();
  });
}

describe("the viewer server", () => {
  const viewers: RunningViewer[] = [];
  const start = async (options: { host?: string; allowHosts?: string[] } = {}) => {
    const viewer = await startViewer({ runsDir: temporaryDirectory(), port: 0, ...options });
    viewers.push(viewer);
    return { viewer, port: new URL(viewer.url).port };
  };
  afterAll(async () => {
    for (const viewer of viewers) await viewer.close();
  });

  it("on loopback answers loopback names only", async () => {
    const { viewer, port } = await start();
    expect(new URL(viewer.url).hostname).toBe("127.0.0.1");
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`])
      expect(await get(viewer.url, "/api/runs", host), host).toBe(200);
    for (const host of [`attacker.example:${port}`, "127.0.0.1:1", `${hostname()}:${port}`])
      expect(await get(viewer.url, "/api/runs", host), host).toBe(403);
  });

  it("bound to every address still refuses names it was not given", async () => {
    const { viewer, port } = await start({ host: "0.0.0.0", allowHosts: ["viewer.lab.example"] });
    for (const host of [`127.0.0.1:${port}`, `${hostname()}:${port}`, `viewer.lab.example:${port}`])
      expect(await get(viewer.url, "/api/runs", host), host).toBe(200);
    expect(await get(viewer.url, "/api/runs", `attacker.example:${port}`)).toBe(403);
  });

  it("answers a missing asset with 404, not the page", async () => {
    const { viewer, port } = await start();
    expect(await get(viewer.url, "/assets/missing.js", `127.0.0.1:${port}`)).toBe(404);
    expect(await get(viewer.url, "/runs/x/trials", `127.0.0.1:${port}`)).toBe(200);
  });
});

describe("allowedHosts", () => {
  it("brackets IPv6 names and drops the port only for port 80", () => {
    expect(allowedHosts("::1", 8080)).toEqual(
      new Set(["127.0.0.1:8080", "localhost:8080", "[::1]:8080"]),
    );
    expect(allowedHosts("127.0.0.1", 80).has("localhost")).toBe(true);
    expect(allowedHosts("127.0.0.1", 8080).has("localhost")).toBe(false);
  });
});
