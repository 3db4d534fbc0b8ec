/**
 * Keeps the keyboard focus on the page when the focused control disables itself (a Start button
 * that turns `disabled` while its run goes): the browser then drops the focus to `<body>`, and a
 * keyboard or screen-reader user has to start over from the top. This moves it to the nearest
 * control that can act next — a Stop or Pause button in the same group — or else to the page's
 * status line. Installed once by the shell, so every page gets it; buttons that use
 * `ActionButton` (aria-disabled) never lose the focus in the first place.
 */

/** The element to focus instead of `lost`, which has just become disabled. */
function replacementFor(lost: HTMLElement): HTMLElement | undefined {
  const group = lost.closest(".controls, form, section, main") ?? document.body;
  const candidates = [
    ...group.querySelectorAll<HTMLElement>("button, select, input, a[href]"),
  ].filter(
    (element) =>
      element !== lost &&
      !(element as HTMLButtonElement).disabled &&
      element.getAttribute("aria-disabled") !== "true" &&
      element.offsetParent !== null,
  );
  const preferred = candidates.find((element) =>
    /stop|pause/i.test(`${element.dataset.action ?? ""} ${element.textContent ?? ""}`),
  );
  if (preferred !== undefined) return preferred;
  const status = lost.closest("section, main")?.querySelector<HTMLElement>('[role="status"]');
  if (status !== null && status !== undefined) {
    if (!status.hasAttribute("tabindex")) status.setAttribute("tabindex", "-1");
    return status;
  }
  return candidates[0];
}

/** Watches `disabled` changes under `root` and moves a dropped focus (see the module comment). */
export function installFocusRescue(root: HTMLElement = document.body): () => void {
  let lastFocused: HTMLElement | undefined;
  const onFocusIn = (event: FocusEvent) => {
    if (event.target instanceof HTMLElement) lastFocused = event.target;
  };
  document.addEventListener("focusin", onFocusIn);
  const observer = new MutationObserver((mutations) => {
    const lost = lastFocused;
    if (lost === undefined || !(lost as HTMLButtonElement).disabled) return;
    if (!mutations.some((mutation) => mutation.target === lost)) return;
    const active = document.activeElement;
    if (active !== null && active !== document.body && active !== lost) return;
    replacementFor(lost)?.focus({ preventScroll: true });
  });
  observer.observe(root, { attributes: true, attributeFilter: ["disabled"], subtree: true });
  return () => {
    observer.disconnect();
    document.removeEventListener("focusin", onFocusIn);
  };
}
