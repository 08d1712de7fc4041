// The review queue by keyboard: j/k move between rows, a accepts, r rejects (after a reason), n asks for more.
(function () {
  var items = Array.prototype.slice.call(document.querySelectorAll(".review-item"));
  if (!items.length) return;
  var current = 0;
  function select(i) {
    current = Math.max(0, Math.min(items.length - 1, i));
    items.forEach(function (el, k) { el.classList.toggle("current", k === current); });
    items[current].focus({preventScroll: true});
    items[current].scrollIntoView({block: "nearest"});
  }
  function submit(selector) {
    var form = items[current].querySelector(selector);
    if (form) form.submit();
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing) {
      if (event.key === "Escape") { event.target.blur(); items[current].focus(); }
      return;
    }
    if (event.key === "j") select(current + 1);
    else if (event.key === "k") select(current - 1);
    else if (event.key === "a") submit("form.accept");
    else if (event.key === "n") submit("form.need-info");
    else if (event.key === "r") {
      var reason = items[current].querySelector("form.reject input[name=reason]");
      if (reason) { event.preventDefault(); reason.focus(); }
    } else return;
  });
  select(0);
})();
