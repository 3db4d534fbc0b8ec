import { StrictMode, useEffect, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { Explanation } from "./components/explanation.js";
import { installFocusRescue } from "./components/focus-rescue.js";
import { demoData } from "./demo-state.js";
import { AdversarialPage } from "./pages/adversarial-page.js";
import { ContinuousPage } from "./pages/continuous-page.js";
import { GclPage } from "./pages/gcl-page.js";
import { ModelViewerPage } from "./pages/model-viewer-page.js";
import { MujocoPage } from "./pages/mujoco-page.js";
import { PlaygroundPage } from "./pages/playground-page.js";
import { TransferPage } from "./pages/transfer-page.js";
import "./styles.css";

const PAGES = [
  { route: "playground", title: "IRL playground", component: PlaygroundPage },
  { route: "adversarial", title: "Adversarial imitation", component: AdversarialPage },
  { route: "continuous", title: "Continuous control", component: ContinuousPage },
  { route: "gcl", title: "Guided Cost Learning", component: GclPage },
  { route: "transfer", title: "Reward transfer", component: TransferPage },
  { route: "mujoco", title: "MuJoCo imitation", component: MujocoPage },
  { route: "model-viewer", title: "ONNX model viewer", component: ModelViewerPage },
] as const;

type Route = (typeof PAGES)[number]["route"];

// Hash routes keep every page reachable from one index.html on any static host.
function currentRoute(): Route {
  // `#/playground?world=objectworld`: the part after `?` is the page's own settings.
  const hash = window.location.hash.replace(/^#\/?/, "").split("?")[0];
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
  const page = PAGES.find((candidate) => candidate.route === route)!;
  const firstRender = useRef(true);
  useEffect(() => {
    const data = demoData();
    data.page = route;
    data.interactiveAt = performance.now();
    document.title = `${page.title} · irlkit demo`;
    // After a page switch, focus the new page's heading, so keyboard and screen-reader users
    // start at the top of what changed (not on the first load: the browser's own start applies).
    if (firstRender.current) firstRender.current = false;
    else {
      const heading = document.querySelector<HTMLElement>("main h2");
      heading?.setAttribute("tabindex", "-1");
      heading?.focus();
    }
  }, [route, page.title]);
  const Page = page.component;
  return (
    <div className="layout">
      <a className="skip-link" href="#content">
        Skip to the page
      </a>
      <header>
        <h1>irlkit</h1>
        <span className="tagline">inverse reinforcement learning, running in your browser</span>
        <nav aria-label="Demo pages">
          {PAGES.map((candidate) => (
            <a
              key={candidate.route}
              href={`#/${candidate.route}`}
              className={candidate.route === route ? "active" : undefined}
              aria-current={candidate.route === route ? "page" : undefined}
            >
              {candidate.title}
            </a>
          ))}
        </nav>
      </header>
      <main id="content" tabIndex={-1}>
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
installFocusRescue();
requestAnimationFrame(countFrames);
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
