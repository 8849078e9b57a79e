// The reply box of the agent's case page:
// - "Insert macro" puts the macro's text (prepared by the server in the option's data-text)
//   at the cursor, without leaving the page; without this script the button posts the typed
//   text to the server, which shows it again with the macro after it.
// - A form with data-draft="<key>" keeps what is typed (text fields and check boxes) in this
//   browser's localStorage under that key, brings it back after a reload, and forgets it once
//   the server says it was sent (data-draft-sent on the next page).
(function () {
  "use strict";
  var PREFIX = "casework.draft.";

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      if (!element.name || element.disabled) { return false; }
      if (element.tagName === "TEXTAREA") { return true; }
      return element.tagName === "INPUT" && (element.type === "text" || element.type === "checkbox");
    });
  }

  function read(fields) {
    var values = {};
    var typed = false;
    fields.forEach(function (element) {
      if (element.type === "checkbox") {
        values[element.name] = element.checked;
      } else {
        values[element.name] = element.value;
        typed = typed || element.value.trim() !== "";
      }
    });
    return typed ? values : null;
  }

  function keepDrafts(form) {
    var store = storage();
    if (!store) { return; }
    var key = PREFIX + form.dataset.draft;
    var fields = draftFields(form);
    if (form.hasAttribute("data-draft-sent")) { store.removeItem(key); }

    function save() {
      var values = read(fields);
      try {
        if (values) { store.setItem(key, JSON.stringify(values)); } else { store.removeItem(key); }
      } catch (error) { /* storage full or refused: the form still works */ }
    }

    // Text the server showed again (a refused post, the macro fallback) wins over the draft.
    if (read(fields)) {
      save();
    } else {
      var saved = null;
      try { saved = JSON.parse(store.getItem(key) || "null"); } catch (error) { saved = null; }
      if (saved) {
        fields.forEach(function (element) {
          if (!(element.name in saved)) { return; }
          if (element.type === "checkbox") { element.checked = Boolean(saved[element.name]); }
          else { element.value = saved[element.name]; }
        });
      }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  }

  function insertAtCursor(box, text, touched) {
    // A box the agent never put the cursor in gets the text at its end.
    var start = touched ? box.selectionStart : box.value.length;
    var end = touched ? box.selectionEnd : box.value.length;
    box.focus();
    box.setRangeText(text, start, end, "end");
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function macroButtons() {
    document.querySelectorAll("[data-insert-macro]").forEach(function (button) {
      var box = document.getElementById(button.dataset.insertMacro);
      var picker = button.form && button.form.elements.macro;
      if (!box || !picker) { return; }
      var touched = false;
      box.addEventListener("focus", function () { touched = true; });
      button.addEventListener("click", function (event) {
        var option = picker.options[picker.selectedIndex];
        if (!option || option.dataset.text === undefined) { return; }
        event.preventDefault();
        insertAtCursor(box, option.dataset.text, touched);
        touched = true;
      });
    });
  }

  document.querySelectorAll("form[data-draft]").forEach(keepDrafts);
  macroButtons();
})();
