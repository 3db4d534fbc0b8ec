import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { Explanation } from "./components/explanation.js";
import { demoData } from "./demo-state.js";
import { AdversarialPage } from "./pages/adversarial-page.js";
import { ModelViewerPage } from "./pages/model-viewer-page.js";
import { PlaygroundPage } from "./pages/playground-page.js";
import "./styles.css";

const PAGES = [
  { route: "playground", title: "IRL playground", component: PlaygroundPage },
  { route: "adversarial", title: "Adversarial imitation", component: AdversarialPage },
  { route: "model-viewer", title: "ONNX model viewer", component: ModelViewerPage },
] as const;

type Route = (typeof PAGES)[number]["route"];

// Hash routes keep every page reachable from one index.html on any static host.
function currentRoute(): Route {
  const hash = window.location.hash.replace(/^#\/?/, "");
  return PAGES.find((page) => page.route === hash)?.route ?? "playground";
}

// Counts animation frames, so tests (and people) can see the page keeps drawing during training.
function countFrames(): void {
  demoData().frames++;
  requestAnimationFrame(countFrames);
}

function App() {
  const [route, setRoute] = useState<Route>(currentRoute);
  useEffect(() => {
    const onHashChange = () => setRoute(currentRoute());
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, []);
  useEffect(() => {
    const data = demoData();
    data.page = route;
    data.interactiveAt = performance.now();
  }, [route]);
  const page = PAGES.find((candidate) => candidate.route === route)!;
  const Page = page.component;
  return (
    <div className="layout">
      <header>
        <h1>irlkit</h1>
        <span className="tagline">inverse reinforcement learning, running in your browser</span>
        <nav>
          {PAGES.map((candidate) => (
            <a
              key={candidate.route}
              href={`#/${candidate.route}`}
              className={candidate.route === route ? "active" : undefined}
            >
              {candidate.title}
            </a>
          ))}
        </nav>
      </header>
      <main>
        <Page key={route} />
        <Explanation />
      </main>
      <footer>
        Everything on this page runs locally with the irlkit packages (tfjs-wasm and
        onnxruntime-web, single-threaded). Seeds are fixed, so a run is reproducible.
      </footer>
    </div>
  );
}

demoData();
requestAnimationFrame(countFrames);
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
