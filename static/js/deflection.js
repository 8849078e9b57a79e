// Suggest resolved cases while a customer types the subject of a new case.
// Text is inserted with textContent only, never as HTML. Each suggestion isolates its case
// number (left to right) from its subject (direction of its own text), so a Persian or
// Arabic subject reads right on a right-to-left page and an English one on either.
(function () {
  "use strict";
  var box = document.getElementById("deflection");
  var subject = document.getElementById("subject");
  if (!box || !subject) { return; }
  var list = box.querySelector("ul");
  var timer = null;
  var lastQuery = "";
  var asked = 0; // answers to older requests arriving late are ignored

  function record(kind, number) {
    var body = new URLSearchParams({ kind: kind, number: number });
    return fetch(box.dataset.deflectUrl, {
      method: "POST",
      body: body,
      keepalive: true,
      credentials: "same-origin",
      headers: { "X-CSRFToken": box.dataset.csrf }
    });
  }

  function render(suggestions) {
    list.textContent = "";
    box.hidden = suggestions.length === 0;
    suggestions.forEach(function (item, index) {
      var li = document.createElement("li");
      li.className = "d-flex justify-content-between align-items-center gap-2 mb-1";
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.id = "deflection-" + index;
      var number = document.createElement("span");
      number.className = "case-number";
      number.textContent = item.number;
      var title = document.createElement("bdi");
      title.className = "deflection-subject";
      title.textContent = item.subject;
      link.appendChild(number);
      link.appendChild(document.createTextNode(" · "));
      link.appendChild(title);
      link.addEventListener("click", function () { record("click", item.number); });
      var solved = document.createElement("button");
      solved.type = "button";
      solved.className = "btn btn-sm btn-outline-success";
      solved.textContent = box.dataset.solvedLabel;
      solved.setAttribute("aria-describedby", link.id);
      solved.addEventListener("click", function () {
        record("solved", item.number).then(function () {
          box.querySelector(".deflection-thanks").hidden = false;
          list.hidden = true;
        });
      });
      li.appendChild(link);
      li.appendChild(solved);
      list.appendChild(li);
    });
  }

  subject.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var query = subject.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      var ticket = ++asked;
      if (query.length < 3) { render([]); return; }
      fetch(box.dataset.suggestUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (ticket === asked) { render(data.suggestions || []); } })
        .catch(function () { if (ticket === asked) { render([]); } });
    }, 350);
  });
})();
