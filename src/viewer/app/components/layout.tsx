import type { ComponentChildren } from "preact";

export function Layout({ children }: { children?: ComponentChildren }) {
  return (
    <>
      <header class="top">
        <a class="brand" href="/">
          candor view
        </a>
        <nav>
          <a href="/">Runs</a>
          <a href="/compare">Compare runs</a>
        </nav>
      </header>
      <main>{children}</main>
    </>
  );
}
