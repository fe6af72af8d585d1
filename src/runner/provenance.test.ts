import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../test/run-fixture.ts";
import { gitRevision } from "./provenance.ts";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const OTHER = "fedcba9876543210fedcba9876543210fedcba98";

function checkout(files: Record<string, string>): string {
  const root = temporaryDirectory("candor-provenance-");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

describe("gitRevision", () => {
  it("reads a branch's commit from its ref file, or from packed-refs", () => {
    const loose = checkout({
      ".git/HEAD": "ref: refs/heads/main\n",
      ".git/refs/heads/main": `${COMMIT}\n`,
    });
    expect(gitRevision(loose)).toBe(COMMIT);
    const packed = checkout({
      ".git/HEAD": "ref: refs/heads/main\n",
      ".git/packed-refs": `# pack-refs with: peeled fully-peeled sorted\n${OTHER} refs/heads/dev\n${COMMIT} refs/heads/main\n`,
    });
    expect(gitRevision(packed)).toBe(COMMIT);
  });

  it("reads a detached HEAD and a worktree's pointer file", () => {
    expect(gitRevision(checkout({ ".git/HEAD": `${OTHER}\n` }))).toBe(OTHER);
    const main = checkout({
      ".git/refs/heads/feature": `${COMMIT}\n`,
      ".git/worktrees/w/HEAD": "ref: refs/heads/feature\n",
      ".git/worktrees/w/commondir": "../..\n",
    });
    const worktree = checkout({ ".git": `gitdir: ${join(main, ".git/worktrees/w")}\n` });
    expect(gitRevision(worktree)).toBe(COMMIT);
  });

  it("is null outside a checkout, on an unborn branch and on anything that is not a commit", () => {
    expect(gitRevision(checkout({ "package.json": "{}" }))).toBeNull();
    expect(gitRevision(checkout({ ".git/HEAD": "ref: refs/heads/main\n" }))).toBeNull();
    expect(gitRevision(checkout({ ".git/HEAD": "not a commit\n" }))).toBeNull();
  });

  it("agrees with git itself on this repository", (context) => {
    let expected: string;
    try {
      expected = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    } catch {
      context.skip();
      return;
    }
    expect(gitRevision()).toBe(expected);
  });
});
