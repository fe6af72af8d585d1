import type { Browser, Page } from "playwright-core";
import type { ViewerProcess } from "./start-viewer.ts";

/**
 * A new page at a path of the viewer. Given a list, it records the page's script errors and
 * dialogs there (and dismisses the dialogs): a payload that ran, or a page that broke, shows up.
 */
export async function openViewerPage(
  browser: Browser,
  viewer: ViewerProcess,
  path: string,
  problems?: string[],
): Promise<Page> {
  const page = await browser.newPage();
  if (problems) {
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("dialog", (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  }
  await page.goto(new URL(path, viewer.url).href);
  return page;
}

/**
 * Closes what a browser test opened, the browser first (its pages hold the viewer's
 * connections); the viewer's exit code, 0 when it stopped cleanly or never started.
 */
export async function closeViewerTest(opened: {
  browser?: Browser;
  viewer?: ViewerProcess;
  stub?: { close(): Promise<unknown> };
}): Promise<number | null> {
  await opened.browser?.close();
  await opened.stub?.close();
  return opened.viewer ? opened.viewer.stop() : 0;
}
