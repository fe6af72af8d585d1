/**
 * How long the viewer's API takes to answer on a large run, in-process (no socket), each request
 * timed once cold and then as the median of five: what a researcher clicking through waits for.
 * Then how long light requests wait while heavy ones (results, figures, a comparison, 20 new
 * labellers) are computed, and how much memory those 20 labellers leave behind.
 */
import { basename, dirname } from "node:path";
import { RunCatalog } from "../src/viewer/run-catalog.ts";
import { createViewerApp, VIEWER_ASSETS } from "../src/viewer/viewer-server.ts";

const HOST = "127.0.0.1:4747";

export async function viewerResponseTimes(directory: string, line: (text: string) => void) {
  const runId = basename(directory);
  const catalog = new RunCatalog(dirname(directory));
  const app = createViewerApp({ catalog, assetsDir: VIEWER_ASSETS, allowedHost: () => true });
  const get = async (path: string) => {
    const started = performance.now();
    const response = await app.request(path, { headers: { Host: HOST } });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body}`);
    return { milliseconds: performance.now() - started, body };
  };
  const firstTrial = JSON.parse((await get(`/api/runs/${runId}/trials`)).body).trials[0].trialId;
  const requests: Array<[string, string]> = [
    ["runs list", "/api/runs"],
    ["results (analysis)", `/api/runs/${runId}`],
    ["figure", `/api/runs/${runId}/figures/arms.svg`],
    ["trials, first page", `/api/runs/${runId}/trials`],
    [
      "trials, filtered",
      `/api/runs/${runId}/trials?scenario=real-estate&arm=refusal&followup=2&outcome=deception`,
    ],
    ["trials, judges disagree", `/api/runs/${runId}/trials?disagreement=1`],
    // The first search builds the run's full-text index (on a worker); later ones reuse it.
    ["trials, phrase search", `/api/runs/${runId}/trials?search=%22keep%20it%20quiet%22`],
    ["trials, sorted by undesired turns", `/api/runs/${runId}/trials?sort=undesired&order=desc`],
    ["transcript", `/api/runs/${runId}/trials/${firstTrial}`],
    ["next turn to label", `/api/runs/${runId}/label/next?labeller=bench`],
  ];
  for (const [name, path] of requests) {
    const cold = await get(path);
    const warm: number[] = [];
    for (let repeat = 0; repeat < 5; repeat++) warm.push((await get(path)).milliseconds);
    warm.sort((a, b) => a - b);
    line(
      `viewer ${name}: ${cold.milliseconds.toFixed(0)} ms first, ${(warm[2] as number).toFixed(0)} ms median of 5 after (${(cold.body.length / 1024).toFixed(0)} KiB)`,
    );
  }
  await catalog.close();
  await lightRequestsUnderLoad(directory, firstTrial, line);
}

/** A fresh viewer (nothing cached): light requests in a loop while heavy ones are computed. */
async function lightRequestsUnderLoad(
  directory: string,
  trialId: string,
  line: (text: string) => void,
) {
  const runId = basename(directory);
  const catalog = new RunCatalog(dirname(directory));
  const app = createViewerApp({ catalog, assetsDir: VIEWER_ASSETS, allowedHost: () => true });
  const get = async (path: string) => {
    const response = await app.request(path, { headers: { Host: HOST } });
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    await response.text();
  };
  const lightPaths = [
    "/api/runs",
    `/api/runs/${runId}/trials/${trialId}`,
    `/api/runs/${runId}/trials`,
  ];
  for (const path of lightPaths) await get(path);
  const memoryBefore = process.memoryUsage().rss;
  const labellers = Array.from({ length: 20 }, (_, index) => `bench-${index}`);
  let heavyDone = false;
  const started = performance.now();
  const heavy = Promise.all([
    get(`/api/runs/${runId}`),
    get(`/api/runs/${runId}/figures/arms.svg?adjust=bh`),
    get(`/api/compare?a=${runId}&b=${runId}`),
    ...labellers.map((labeller) => get(`/api/runs/${runId}/label/next?labeller=${labeller}`)),
  ]).finally(() => (heavyDone = true));
  const latencies: number[] = [];
  while (!heavyDone) {
    for (const path of lightPaths) {
      const sent = performance.now();
      await get(path);
      latencies.push(performance.now() - sent);
      // In-process requests resolve within one turn of the event loop; a browser's arrive
      // through the socket, letting workers' replies in between.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await heavy;
  const heavySeconds = (performance.now() - started) / 1000;
  const memoryAfter = process.memoryUsage().rss;
  latencies.sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)] ?? 0;
  line(
    `viewer light requests while heavy ones run (${heavySeconds.toFixed(1)} s): ${latencies.length} answered, max ${(latencies.at(-1) ?? 0).toFixed(0)} ms, median ${median.toFixed(0)} ms`,
  );
  line(
    `viewer memory after 20 new labellers: ${mebibytes(memoryAfter)} MiB resident (${mebibytes(memoryAfter - memoryBefore)} MiB more), ${catalog.labellerState().queues} queues kept`,
  );
  await catalog.close();
}

function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}
