import { render } from "preact";
import { LocationProvider, Route, Router } from "preact-iso";
import { Layout } from "./components/layout.tsx";
import { ArmsPage } from "./pages/arms-page.tsx";
import { ComparePage } from "./pages/compare-page.tsx";
import { LabelPage } from "./pages/label-page.tsx";
import { NotFoundPage } from "./pages/not-found-page.tsx";
import { ResultsPage } from "./pages/results-page.tsx";
import { RunsPage } from "./pages/runs-page.tsx";
import { TranscriptPage } from "./pages/transcript-page.tsx";
import { TrialsPage } from "./pages/trials-page.tsx";
import "./styles.css";

function App() {
  return (
    <LocationProvider>
      <Layout>
        <Router>
          <Route path="/" component={RunsPage} />
          <Route path="/compare" component={ComparePage} />
          <Route path="/runs/:run" component={ResultsPage} />
          <Route path="/runs/:run/trials" component={TrialsPage} />
          <Route path="/runs/:run/trials/:trial" component={TranscriptPage} />
          <Route path="/runs/:run/trials/:trial/arms" component={ArmsPage} />
          <Route path="/runs/:run/label" component={LabelPage} />
          <Route default component={NotFoundPage} />
        </Router>
      </Layout>
    </LocationProvider>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);
