// Every page: the top bar's menu on narrow screens. The nav and the account fold into a
// "Menu" button below 760 px (see app.css); without this script they stay open and wrap.
(function () {
  "use strict";

  const bar = document.querySelector(".topbar");
  const toggle = bar && bar.querySelector(".menu-toggle");
  if (!toggle) return;
  bar.classList.add("has-menu");
  toggle.hidden = false;

  function setOpen(open) {
    bar.classList.toggle("menu-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  toggle.addEventListener("click", () => setOpen(!bar.classList.contains("menu-open")));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && bar.classList.contains("menu-open")) {
      setOpen(false);
      toggle.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (bar.classList.contains("menu-open") && !bar.contains(event.target)) setOpen(false);
  });
})();
