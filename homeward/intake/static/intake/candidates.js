// Shows possible existing cases while an officer types a name and date of birth. Built with DOM
// nodes and textContent only, so that nothing typed or stored is ever read as HTML.
(function () {
  "use strict";
  var form = document.getElementById("officer-report");
  var box = document.getElementById("candidates");
  if (!form || !box) { return; }
  var fields = ["full_name", "date_of_birth", "passport_number", "phone", "home_state"];
  var timer = null;
  var asked = "";

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function attach(reference) {
    document.getElementById("attach_to").value = reference;
    document.getElementById("attach-ref").textContent = reference;
    document.getElementById("attach-note").hidden = !reference;
  }

  function show(candidates) {
    box.replaceChildren();
    if (!candidates.length) { box.appendChild(el("p", box.dataset.none, "meta")); return; }
    candidates.forEach(function (c) {
      var item = el("article", undefined, "report candidate");
      var head = el("div");
      head.appendChild(el("strong", c.reference));
      head.appendChild(el("span", " · " + Math.round(c.probability * 100) + " % · " + c.status));
      item.appendChild(head);
      item.appendChild(el("div", c.names.join("; ") + (c.date_of_birth ? " · " + c.date_of_birth : "")));
      var why = el("ul", undefined, "names");
      c.why.forEach(function (line) { why.appendChild(el("li", line, "meta")); });
      item.appendChild(why);
      var button = el("button", box.dataset.attach, "link-dark");
      button.type = "button";
      button.addEventListener("click", function () { attach(c.reference); });
      item.appendChild(button);
      box.appendChild(item);
    });
  }

  function ask() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var input = form.elements[name];
      if (input && input.value) { params.set(name, input.value); }
    });
    var query = params.toString();
    if (query === asked || (form.elements.full_name.value || "").trim().length < 3) { return; }
    asked = query;
    fetch(form.dataset.candidates + "?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { candidates: [] }; })
      .then(function (data) { if (asked === query) { show(data.candidates); } })
      .catch(function () { /* the check helps; the form works without it */ });
  }

  fields.forEach(function (name) {
    var input = form.elements[name];
    if (input) {
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 300); });
    }
  });
  var clear = document.getElementById("attach-clear");
  if (clear) { clear.addEventListener("click", function () { attach(""); }); }
})();
