// Vendor portal answering: autosave per question (progressive enhancement).
// Without this script the page still works: "Save answers" posts the whole form. The server
// decides which questions are shown; this script only applies the keys it answers with.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var TEXT_DELAY = 1200;
  var urlFor = function (key) { return form.getAttribute("data-autosave").replace("__KEY__", encodeURIComponent(key)); };
  var csrf = form.querySelector("input[name=csrf_token]");
  var timers = {};
  var inFlight = {}; // one save per question at a time, so a save never conflicts with its own
  var again = {};

  Array.prototype.forEach.call(form.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  function field(name) { return form.elements.namedItem(name); }

  function say(key, text, kind) {
    var state = document.getElementById(key + "-state");
    if (!state) { return null; }
    state.textContent = text;
    state.className = "save-state small" + (kind ? " " + kind : "");
    return state;
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // The question's value in the shape the server's parse_answer takes.
  function valueOf(section) {
    var key = section.getAttribute("data-key");
    var kind = section.getAttribute("data-kind");
    var na = field(key + ".na");
    if (na && na.checked) { return "n/a"; }
    if (kind === "group") { return rowsOf(section, key); }
    var inputs = section.querySelectorAll("[name='" + key + "']");
    if (kind === "multiple_choice") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; })
        .map(function (i) { return i.value; });
    }
    var chosen = null;
    Array.prototype.forEach.call(inputs, function (i) {
      if ((i.type !== "radio" && i.type !== "checkbox") || i.checked) { chosen = i.value; }
    });
    return chosen;
  }

  function rowsOf(section, key) {
    var rows = [];
    Array.prototype.forEach.call(section.querySelectorAll("tr[data-row]"), function (tr) {
      var row = {};
      Array.prototype.forEach.call(tr.querySelectorAll("input, select"), function (input) {
        var rest = input.name.slice(key.length + 1);
        var dash = rest.indexOf("-");
        if (input.name.indexOf(key + "-") !== 0 || dash < 0) { return; }
        var column = rest.slice(dash + 1);
        if (input.type === "checkbox") {
          row[column] = row[column] || [];
          if (input.checked) { row[column].push(input.value); }
        } else {
          row[column] = input.value;
        }
      });
      rows.push(row);
    });
    return rows;
  }

  function showError(section, key, message) {
    section.classList.add("has-error");
    var error = document.getElementById(key + "-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "error";
      error.id = key + "-error";
      document.getElementById(key + "-state").before(error);
    }
    error.textContent = message;
  }

  function clearError(section, key) {
    section.classList.remove("has-error");
    var error = document.getElementById(key + "-error");
    if (error) { error.remove(); }
  }

  function applyVisible(visible, progress) {
    Array.prototype.forEach.call(form.querySelectorAll("section.question"), function (s) {
      s.hidden = visible.indexOf(s.getAttribute("data-key")) < 0;
    });
    var answered = document.querySelector("[data-progress-answered]");
    var asked = document.querySelector("[data-progress-asked]");
    var missing = document.querySelector("[data-progress-missing]");
    var section = document.querySelector("[data-progress-section]");
    if (section) { section.textContent = progress.answered + "/" + progress.asked; }
    if (answered && asked && missing) {
      answered.textContent = progress.answered;
      asked.textContent = progress.asked;
      missing.textContent = progress.missing.length ?
        " · required and unanswered: " + progress.missing.join(", ") : "";
    }
  }

  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function save(section, baseOverride) {
    var key = section.getAttribute("data-key");
    if (inFlight[key]) { again[key] = true; return; }
    inFlight[key] = true;
    var rev = field(key + ".rev");
    var base = baseOverride !== undefined ? baseOverride : parseInt(rev.value || "0", 10);
    say(key, "Saving…", "saving");
    fetch(urlFor(key), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify({ value: valueOf(section), base_revision: base })
    }).then(function (response) {
      var reply = function (body) { return { status: response.status, body: body }; };
      return response.json().then(reply, function () { return reply({}); });
    }).then(function (reply) {
      var body = reply.body;
      if (reply.status === 200) {
        rev.value = body.revision;
        clearError(section, key);
        say(key, "Saved " + clock(body.saved_at), "saved");
        applyVisible(body.visible, body.progress);
      } else if (reply.status === 409) {
        var c = body.conflict;
        var state = say(key, "Not saved: changed by " + c.by + (c.at ? " at " + clock(c.at) : "") +
          " to “" + c.value + "”. Keep theirs or save yours? ", "conflict");
        state.append(
          button("Keep theirs", function () { window.location.hash = "q-" + key; window.location.reload(); }),
          " ",
          button("Save mine", function () { save(section, c.revision); })
        );
      } else if (reply.status === 422) {
        showError(section, key, body.error);
        say(key, "Not saved", "failed");
      } else if (reply.status === 401) {
        say(key, "Not saved: your portal session has ended. Open the link from your latest " +
          "invitation email again; what you typed is still on this page.", "failed");
      } else {
        say(key, "Not saved: " + (body.error || "the page has expired. Copy what you typed, then reload the page."), "failed");
      }
    }).catch(function () {
      var state = say(key, "Not saved — the connection failed. ", "failed");
      state.append(button("Retry", function () { save(section); }));
    }).then(function () {
      inFlight[key] = false;
      if (again[key]) { again[key] = false; save(section); }
    });
  }

  function schedule(section, delay) {
    var key = section.getAttribute("data-key");
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () { save(section); }, delay);
  }

  function sectionOf(target) {
    var section = target.closest("section.question");
    return section && document.getElementById(section.getAttribute("data-key") + "-state") ? section : null;
  }

  form.addEventListener("change", function (event) {
    var section = sectionOf(event.target);
    if (section) { schedule(section, 0); }
  });
  form.addEventListener("input", function (event) {
    var t = event.target;
    var section = sectionOf(t);
    if (section && (t.tagName === "TEXTAREA" || t.type === "text")) { schedule(section, TEXT_DELAY); }
  });
  // The whole form is being posted, which saves every answer: pending autosaves would only race.
  form.addEventListener("submit", function () {
    Object.keys(timers).forEach(function (key) { clearTimeout(timers[key]); });
  });
})();
