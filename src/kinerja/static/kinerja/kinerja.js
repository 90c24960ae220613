/* The few behaviours every page shares, bound by data attributes: no inline script or handler anywhere
 * (the Content-Security-Policy forbids them, so an injected `onerror=` does nothing).
 *   [data-nav-toggle]          opens and closes the side navigation on small screens
 *   [data-disclosure]          shows or hides the element named by its aria-controls
 *   select[data-autosubmit]    submits its form when changed
 *   select[data-navigate]      goes to the URL of the chosen option
 *   [data-print]               prints the page
 *   form[data-confirm]         asks the question in the attribute before submitting
 *   [data-picker-results]      a box ticked among a people picker's search results moves to its chosen list
 *   input[data-picker-search]  Enter searches (htmx) instead of submitting the form the picker sits in */
(function () {
  "use strict";

  function toggle(button) {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    return open;
  }

  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-nav-toggle], [data-disclosure], [data-print]");
    if (!el) {
      return;
    }
    if (el.hasAttribute("data-nav-toggle")) {
      var nav = document.getElementById(el.getAttribute("aria-controls"));
      if (nav) {
        nav.classList.toggle("open", toggle(el));
      }
    } else if (el.hasAttribute("data-disclosure")) {
      var box = document.getElementById(el.getAttribute("aria-controls"));
      if (box) {
        box.hidden = !toggle(el);
      }
    } else if (el.hasAttribute("data-print")) {
      window.print();
    }
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    } else if (el.matches("select[data-navigate]") && el.value) {
      window.location.assign(el.value);
    } else if (el.checked && el.matches("[data-picker-results] input[type=checkbox]")) {
      var chosen = document.getElementById(el.closest("[data-picker-results]").getAttribute("data-picker-results"));
      if (chosen) {
        var none = chosen.querySelector(".picker-none");
        if (none) {
          none.remove();
        }
        chosen.appendChild(el.closest("li"));
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("input[data-picker-search]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
