// The little the pages need beyond HTML (no inline script: the Content Security Policy allows files from this site
// only). After HTMX swaps a part of the page: move focus to it (when the person asked for it) and announce what
// changed, in the one live region.
(function () {
  "use strict";
  function announce(text) {
    var status = document.getElementById("status");
    if (!status || !text) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }
  // Focus moves only after a swap the person started (a click, a submit): a swap nobody asked for (a timed poll,
  // `load`/`every`, or an element marked data-no-focus) and one made by changing a field (a filter's select, moved
  // with the arrow keys) leave focus where it is (WCAG 2.4.3, 3.2.2) and are said in the live region instead. When
  // such a swap took away the focused element (focus fell to the body), its [data-focus] gets it, so it is not lost.
  function personStarted(event) {
    var config = event.detail.requestConfig;
    var trigger = config && config.triggeringEvent;
    var from = config && config.elt;
    if (!trigger || trigger.type === "load" || trigger.type === "change" || trigger.type === "input") { return false; }
    return !(from && from.closest && from.closest("[data-no-focus]"));
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var swapped = event.detail.elt;
    if (!swapped || !swapped.querySelector) { return; }
    var root = swapped.isConnected ? swapped : document.getElementById(swapped.id) || document.body;
    var said = root.querySelector("[data-announce]") || (root.matches && root.matches("[data-announce]") ? root : null);
    var marked = root.querySelector("[data-focus]") || (root.matches && root.matches("[data-focus]") ? root : null);
    var target = null;
    // A part swapped out of band beside the answer (a count, a badge: marked data-oob) is said if it says anything,
    // never focused: focus hopped through each before reaching the answer, read aloud on the way.
    if (root.hasAttribute && root.hasAttribute("data-oob")) {
      if (said) { announce(said.getAttribute("data-announce")); }
      return;
    }
    if (personStarted(event)) {
      target = marked || root.querySelector("h2, h3") || root;
    } else {
      var lost = !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected;
      if (lost && marked) { target = marked; }
      if (!said && marked) { announce(marked.textContent.trim()); }
    }
    if (said) { announce(said.getAttribute("data-announce")); }
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  });
  // A page answering a form with mistakes opens on its list of them (each links to its field): a person scrolled
  // down to the form, or on a screen reader, learns of them first. Else a page opens on its notice of what was done
  // or refused, marked data-focus: a role="status" box there from the start is seldom read out. Other elements
  // marked data-focus are for HTMX's swaps (above), not for a page opening.
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("[data-error-summary]") || document.querySelector("main .notice[data-focus]");
    if (first) { first.focus(); }
  });
  // A link of that list brings its field into view below its label, or the legend of its group of choices, and
  // focuses the field (GOV.UK's error summary does so): the browser's own jump put the field at the very top of the
  // screen, its label, hint and error above it, out of sight when the page is enlarged. A choice among several
  // (a radio, a checkbox) is shown under its legend; another field under its group's legend when both fit in the
  // top half of the screen, else under its own label. Without JavaScript, site.css keeps room above a field.
  function labelOrLegend(field) {
    var group = field.closest("fieldset");
    var legend = group && group.querySelector("legend");
    if (legend) {
      if (field.type === "radio" || field.type === "checkbox") { return legend; }
      var box = field.getBoundingClientRect();
      if (box.height && box.bottom - legend.getBoundingClientRect().top < window.innerHeight / 2) { return legend; }
    }
    var labels = field.labels;
    return (labels && labels.length ? labels[0] : null) || field.closest("label");
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field || !field.matches("input, select, textarea")) { return; }  // the browser's own jump
    var shown = labelOrLegend(field);
    if (!shown) { return; }
    event.preventDefault();
    shown.scrollIntoView();
    field.focus({preventScroll: true});
  });
  // A form marked data-submit-once (one that adds something each time, as a meeting logged) goes once: a second tap
  // before its answer comes would add it twice. Back at the page from the browser's history, it may go again.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-submit-once]")) { return; }
    if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
    form.setAttribute("data-sent", "1");
  });
  window.addEventListener("pageshow", function () {
    var sent = document.querySelectorAll("form[data-sent]");
    for (var i = 0; i < sent.length; i++) { sent[i].removeAttribute("data-sent"); }
  });
  // Switching language loads the page again in the other: what the person typed or chose in its forms and has not
  // sent is carried across (in this tab's storage, taken back as the page opens), not lost. Once they changed
  // anything, every field is carried as it stands (the page in the other language may tick other boxes by default:
  // its own language among those one meets in); never a hidden field (its token) nor a password. A form given back
  // refused (its error summary shown) holds what they sent, which the page opened anew would not: carried too.
  var CARRIED = "answers-across-a-language-switch";
  function fieldsAsTheyStand() {
    var forms = document.querySelectorAll("main form");
    var fields = [], changed = !!document.querySelector("main .error-summary");
    for (var f = 0; f < forms.length; f++) {
      for (var i = 0; i < forms[f].elements.length; i++) {
        var el = forms[f].elements[i];
        if (!el.name || /^(hidden|password|file|submit|button|reset)$/.test(el.type)) { continue; }
        if (el.type === "checkbox" || el.type === "radio") {
          changed = changed || el.checked !== el.defaultChecked;
          fields.push([f, el.name, el.value, el.checked]);
        } else if (el.options) {
          for (var o = 0; o < el.options.length; o++) {
            var option = el.options[o];
            changed = changed || option.selected !== option.defaultSelected;
            fields.push([f, el.name, option.value, option.selected]);
          }
        } else {
          changed = changed || el.value !== el.defaultValue;
          fields.push([f, el.name, null, el.value]);
        }
      }
    }
    return changed ? fields : [];
  }
  document.addEventListener("submit", function (event) {
    if (!event.target.matches || !event.target.matches("form.lang-switch")) { return; }
    var fields = fieldsAsTheyStand();
    if (!fields.length) { return; }
    try {
      window.sessionStorage.setItem(CARRIED, JSON.stringify({page: location.pathname, changed: fields}));
    } catch (e) { /* storage refused: the page changes language without them, as without JavaScript */ }
  });
  // A field carried back other than the page gives it, inside a closed section (a question to open), is opened:
  // an answer not saved yet, hidden, reads as saved.
  function openWhatHolds(el) {
    var changed = (el.type === "checkbox" || el.type === "radio") ? el.checked !== el.defaultChecked
      : el.options ? Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; })
      : el.value !== el.defaultValue;
    var section = changed && el.closest ? el.closest("details") : null;
    if (section) { section.open = true; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var carried = null;
    try {
      carried = JSON.parse(window.sessionStorage.getItem(CARRIED) || "null");
      window.sessionStorage.removeItem(CARRIED);
    } catch (e) { return; }
    if (!carried || carried.page !== location.pathname) { return; }
    var forms = document.querySelectorAll("main form");
    carried.changed.forEach(function (field) {
      var form = forms[field[0]];
      if (!form) { return; }
      for (var i = 0; i < form.elements.length; i++) {
        var el = form.elements[i];
        if (el.name !== field[1]) { continue; }
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === field[2]) { el.checked = field[3]; }
        } else if (el.options) {
          for (var o = 0; o < el.options.length; o++) {
            if (el.options[o].value === field[2]) { el.options[o].selected = field[3]; }
          }
          el.setAttribute("data-carried", "");  // chosen by the person: the time-zone guess below leaves it
        } else if (field[2] === null && !/^(hidden|password|file)$/.test(el.type)) {
          el.value = field[3];
        }
        openWhatHolds(el);
      }
    });
  });
  // A form that knows no time zone yet (sign-up) preselects the browser's own. One not offered (the server takes any
  // zone of the IANA database) is added once the server has named it, in the page's language, as it names it after
  // a mistake ("Iran Time, Tehran", never "Asia/Tehran"), right after "Choose one", where the server lists a person's
  // own zone. Exactly one option is then selected, "Choose one" no longer; with no zone reported, or no name for it,
  // "Choose one" stays: never a wrong zone, nor a code. A zone the person chose meanwhile is left as it is.
  // Under the error "Choose your time zone." (no `data-guess`) the browser's zone is only offered, not chosen: the
  // field then shows what its error says.
  document.addEventListener("DOMContentLoaded", function () {
    var zone = document.querySelector("select[name=timezone][data-zone-names]");
    if (!zone || !window.Intl || zone.hasAttribute("data-carried")) { return; }
    var guess = zone.hasAttribute("data-guess");
    var mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!mine || !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(mine)) { return; }
    function choose(option) {
      if (!guess) { return; }
      for (var i = 0; i < zone.options.length; i++) { zone.options[i].defaultSelected = zone.options[i] === option; }
      option.selected = true;
    }
    for (var i = 0; i < zone.options.length; i++) {
      if (zone.options[i].value === mine) { choose(zone.options[i]); return; }
    }
    if (!window.fetch) { return; }
    var names = zone.getAttribute("data-zone-names") + "?zone=" + encodeURIComponent(mine);
    window.fetch(names, {credentials: "same-origin"})
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (words) {
        if (!words || (guess && zone.value !== "")) { return; }
        var option = new Option(words, mine);
        zone.add(option, zone.options.length > 1 ? zone.options[1] : null);
        choose(option);
      })
      .catch(function () { /* "Choose one" stays */ });
  });
})();
