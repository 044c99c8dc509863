// The four tabs, as ARIA tabs: a tablist whose selected tab shows its panel; arrow keys,
// Home and End move between tabs. A screen can ask to be told when its tab is shown.

import { $ } from "./dom.js";

const shown = new Map();
export function onTabShown(name, f) {
  shown.set(name, f);
}

const tabs = () => [...document.querySelectorAll(".tab")];

export function selectTab(name, focus = false) {
  for (const t of tabs()) {
    const on = t.dataset.tab === name;
    t.classList.toggle("active", on);
    t.setAttribute("aria-selected", on ? "true" : "false");
    t.tabIndex = on ? 0 : -1;
    if (on && focus) t.focus();
  }
  for (const p of document.querySelectorAll(".panel")) p.classList.toggle("active", p.id === name);
  shown.get(name)?.();
  // this computer's key and history concern the patient, not a clinician's or regulator's check
  $("status").classList.toggle("hidden", !(name === "patient" || name === "history"));
}

export function setUpTabs() {
  for (const tab of tabs()) {
    tab.addEventListener("click", () => selectTab(tab.dataset.tab));
    tab.addEventListener("keydown", (e) => {
      const all = tabs();
      const i = all.indexOf(tab);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1 + all.length, Home: 0, End: all.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      selectTab(all[to % all.length].dataset.tab, true);
    });
  }
}
