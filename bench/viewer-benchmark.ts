/**
 * How long the viewer's API takes to answer on a large run, in-process (no socket), each request
 * timed once cold and then as the median of five: what a researcher clicking through waits for.
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
  catalog.close();
}
