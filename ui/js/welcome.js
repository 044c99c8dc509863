// First run: a short guide and a role chooser; the role chosen opens its tab next time.

import { $ } from "./dom.js";
import { selectTab } from "./tabs.js";

const ROLE_KEY = "zkdx.role";

function showWelcome(show) {
  $("welcome").classList.toggle("hidden", !show);
  if (show) $("role-patient").focus();
}

export function setUpWelcome() {
  for (const b of document.querySelectorAll("#welcome [data-role]")) {
    b.addEventListener("click", () => {
      localStorage.setItem(ROLE_KEY, b.dataset.role);
      showWelcome(false);
      selectTab(b.dataset.role);
    });
  }
  $("show-welcome").addEventListener("click", () => showWelcome(true));
  const role = localStorage.getItem(ROLE_KEY);
  if (role) selectTab(role);
  else showWelcome(true);
}
