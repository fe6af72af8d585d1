export function NotFoundPage() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. <a href="/">See the runs.</a>
      </p>
    </section>
  );
}
