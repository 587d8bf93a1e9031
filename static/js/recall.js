// Recall a safe person: a gentle, optional timer on the guide page. Without JavaScript the page is the
// same three prompts and a "done" button, so everything here is an enhancement.
(function () {
  "use strict";

  function setUp(root) {
    var timer = root.querySelector("[data-recall-timer]");
    if (!timer || timer.dataset.ready) return;
    timer.dataset.ready = "1";
    timer.hidden = false;
    var clock = timer.querySelector("[data-recall-clock]");
    var prompts = root.querySelectorAll("[data-recall-prompt]");
    var handle = null;

    function highlight(index) {
      prompts.forEach(function (prompt, i) {
        prompt.classList.toggle("recall-current", i === index);
      });
    }

    function finish() {
      window.clearInterval(handle);
      handle = null;
      highlight(-1);
      clock.textContent = "Time is up. Take your time; when you're ready, say how settled you feel now.";
      var after = document.getElementById("recall-finish");
      var select = after && after.querySelector("select");
      if (select) select.focus();
    }

    function start(minutes) {
      var total = minutes * 60;
      var left = total;
      window.clearInterval(handle);
      highlight(0);
      clock.textContent = minutes + (minutes > 1 ? " minutes" : " minute") + ". Begin with the first prompt.";
      handle = window.setInterval(function () {
        left -= 1;
        if (left <= 0) return finish();
        // Move to the next prompt every third of the time; speak only then, not every second.
        var index = Math.min(prompts.length - 1, Math.floor(((total - left) / total) * prompts.length));
        if (!prompts[index].classList.contains("recall-current")) {
          highlight(index);
          clock.textContent = "Next prompt. About " + Math.ceil(left / 60) + " minute" + (left > 60 ? "s" : "") + " left.";
        }
      }, 1000);
    }

    timer.querySelectorAll("[data-recall-minutes]").forEach(function (button) {
      button.addEventListener("click", function () {
        start(Number(button.dataset.recallMinutes));
      });
    });
  }

  function scan() {
    document.querySelectorAll("[data-recall]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  document.addEventListener("htmx:load", scan);
})();
