import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { codeFile } from "../spec/package-files.ts";
import { allowedHosts } from "./allowed-hosts.ts";
import { RunCatalog } from "./run-catalog.ts";
import { viewerApi } from "./viewer-api.ts";
import { LOOPBACK_HOST } from "./viewer-defaults.ts";

/** The built page, shipped in the package (see src/viewer/AGENTS.md). */
export const VIEWER_ASSETS = codeFile("viewer", "dist");

export interface ViewerOptions {
  runsDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Host names besides loopback and the bound address that a browser may use to reach it. */
  allowHosts?: readonly string[];
  assetsDir?: string;
}

export interface RunningViewer {
  url: string;
  close(): Promise<void>;
}

/**
 * The viewer's HTTP app: the JSON API, the built page, and nothing else. Every response carries a
 * strict Content-Security-Policy (scripts and styles from this origin only, no inline script, no
 * remote asset), and requests naming another host are refused, so a web page that rebinds its
 * DNS name to 127.0.0.1 still cannot read runs.
 */
export function createViewerApp(options: {
  catalog: RunCatalog;
  assetsDir: string;
  allowedHost: (host: string) => boolean;
}): Hono {
  const app = new Hono();
  app.use(async (context, next) => {
    if (!options.allowedHost(context.req.header("host") ?? ""))
      return context.json({ error: "unexpected Host header" }, 403);
    await next();
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: "no-referrer",
      xFrameOptions: "DENY",
      // Plain HTTP on loopback: a transport-security header would mean nothing.
      strictTransportSecurity: false,
    }),
  );
  app.use("/api/*", async (context, next) => {
    context.header("Cache-Control", "no-store");
    // Only a same-origin script can send JSON without a CORS preflight, which this server refuses.
    const writes = context.req.method !== "GET" && context.req.method !== "HEAD";
    if (writes && !context.req.header("content-type")?.startsWith("application/json"))
      return context.json({ error: "expected a JSON body" }, 415);
    await next();
  });
  app.route("/api", viewerApi(options.catalog));
  app.all("/api/*", (context) => context.json({ error: "no such API route" }, 404));
  app.use("/assets/*", async (context, next) => {
    await next();
    // File names carry a hash of their content.
    context.header("Cache-Control", "public, max-age=31536000, immutable");
  });
  app.use("/assets/*", serveStatic({ root: options.assetsDir }));
  app.get("/assets/*", (context) => context.text("no such asset", 404));
  app.get("*", async (context, next) => {
    if (!existsSync(join(options.assetsDir, "index.html")))
      return context.text(
        `The viewer's page is not built (${options.assetsDir}); run npm run build:viewer.`,
        500,
      );
    context.header("Cache-Control", "no-cache");
    return serveStatic({ path: join(options.assetsDir, "index.html") })(context, next);
  });
  return app;
}

/** Serves the viewer until close(); binds to 127.0.0.1 unless another host is asked for. */
export async function startViewer(options: ViewerOptions): Promise<RunningViewer> {
  const host = options.host ?? LOOPBACK_HOST;
  const catalog = new RunCatalog(options.runsDir);
  let allowed = new Set<string>();
  const app = createViewerApp({
    catalog,
    assetsDir: options.assetsDir ?? VIEWER_ASSETS,
    allowedHost: (header) => allowed.has(header.toLowerCase()),
  });
  const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  }).catch(async (error) => {
    await catalog.close();
    throw error;
  });
  catalog.summaryWorker.warmUp();
  const { port } = server.address() as AddressInfo;
  allowed = allowedHosts(host, port, options.allowHosts);
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          catalog.close();
          resolve();
        });
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
