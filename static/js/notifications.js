// The unread badge in the top bar follows new notifications without a reload: every
// data-poll-seconds it asks data-unread-url for {"unread": n}, while the page is visible.
// Digits are shown in the page's own digits (data-digits, e.g. Persian in fa).
(function () {
  "use strict";
  var link = document.querySelector("[data-unread-url]");
  if (!link) { return; }
  var badge = link.querySelector("[data-unread-badge]");
  var url = link.dataset.unreadUrl;
  var seconds = parseInt(link.dataset.pollSeconds, 10);
  if (!badge || !url || !(seconds > 0)) { return; }
  var digits = link.dataset.digits || "0123456789";
  var timer = null;
  var stopped = false;

  function localDigits(number) {
    return String(number).replace(/[0-9]/g, function (digit) {
      return digits.charAt(Number(digit));
    });
  }

  function show(unread) {
    badge.textContent = localDigits(unread);
    badge.hidden = unread < 1;
  }

  function schedule(delay) {
    clearTimeout(timer);
    if (!stopped && document.visibilityState === "visible") {
      timer = setTimeout(poll, delay * 1000);
    }
  }

  function poll() {
    fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 ||
          response.status === 403) {
        stopped = true;  // signed out, or not staff any more: stop asking
        return null;
      }
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && typeof data.unread === "number") { show(data.unread); }
      schedule(seconds);
    }).catch(function () {
      schedule(seconds * 4);  // offline or the server is busy: ask again later
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { schedule(0); } else { clearTimeout(timer); }
  });
  schedule(seconds);
})();
