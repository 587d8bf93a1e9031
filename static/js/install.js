// Secure Base install help: an "Install app" button where the browser offers installing
// (beforeinstallprompt: Android and desktop Chrome), a "Share → Add to Home Screen" hint on iOS, and
// nothing once the app runs from the home screen or the person said "Not now".
"use strict";

(function () {
  const DISMISSED = "secure-base:install-dismissed";
  let offer = null; // the deferred beforeinstallprompt event

  const standalone = () =>
    window.matchMedia("(display-mode: standalone)").matches || window.navigator.standalone === true;

  // iPadOS reports itself as a Mac; a Mac with a touch screen is an iPad.
  const onIos = () =>
    /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);

  function dismissed() {
    try {
      return localStorage.getItem(DISMISSED) === "1";
    } catch (error) {
      return false;
    }
  }

  // Show the box with the button (Chrome) or the hint (iOS), or hide it; rerun after boosted navigation.
  function render() {
    const box = document.getElementById("install");
    if (!box) return;
    const showButton = Boolean(offer);
    const showHint = !offer && onIos();
    box.hidden = standalone() || dismissed() || !(showButton || showHint);
    box.querySelector("[data-install-button]").hidden = !showButton;
    box.querySelector("[data-install-hint]").hidden = !showHint;
  }

  async function install() {
    if (!offer) return;
    const prompt = offer;
    offer = null; // a prompt can be shown only once
    render();
    await prompt.prompt();
  }

  function dismiss() {
    try {
      localStorage.setItem(DISMISSED, "1");
    } catch (error) {
      // Storage blocked: it hides for this page only.
    }
    offer = null;
    render();
  }

  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault(); // keep the browser's own banner away; offer our button instead
    offer = event;
    render();
  });
  window.addEventListener("appinstalled", () => {
    offer = null;
    render();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-install-button]")) install();
    else if (event.target.closest("[data-install-dismiss]")) dismiss();
  });
  document.addEventListener("htmx:afterSettle", render);
  render();
})();
