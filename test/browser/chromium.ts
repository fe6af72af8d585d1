/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). `.ci/run` installs it;
 * elsewhere set CANDOR_CHROMIUM to another Chromium, or CANDOR_SKIP_BROWSER_TESTS=1 to skip.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.CANDOR_CHROMIUM ?? "/usr/bin/chromium";
export const SKIP_BROWSER_TESTS = process.env.CANDOR_SKIP_BROWSER_TESTS === "1";

/** Flags for a closed network: without them Chromium keeps dialling out and is refused. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CANDOR_CHROMIUM, or CANDOR_SKIP_BROWSER_TESTS=1)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // Playwright gives every launch a new, empty profile of its own.
    args: FLAGS,
  });
}
