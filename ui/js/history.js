// The patient's history tab (each proof made on this computer, decrypted by the app) and
// the status bar (device key, history file).

import { $, el, invoke, readableTime, showError } from "./dom.js";

export async function showStatus() {
  const s = await invoke("app_status");
  const bar = $("status");
  if (s.problem) {
    bar.textContent = s.problem;
    bar.classList.add("problem");
  } else {
    bar.textContent = `Device key ${s.device_key} (in the OS keyring) signs your bundles · history encrypted at ${s.history_file}`;
  }
}

export async function showHistory() {
  const table = $("history-table");
  table.replaceChildren();
  $("history-error").textContent = "";
  $("history-result").textContent = "";
  $("history-note").textContent = "Each proof you made: its result, when, and the salt that opens its input commitment. Your raw inputs are not kept.";
  try {
    const entries = await invoke("history");
    const head = el("tr");
    head.append(el("th", { scope: "col" }, "Made"), el("th", { scope: "col" }, "Model"), el("th", { scope: "col" }, "Result"),
      el("th", { scope: "col" }, "Salt"), el("th", { scope: "col" }, "Actions"));
    table.appendChild(head);
    entries.forEach((e, index) => {
      const tr = el("tr");
      // the salt is a secret: hidden until asked for, one entry at a time
      const salt = el("td", { class: "mono" });
      const reveal = el("button", { class: "small", "aria-label": "Show the salt" }, "Show");
      reveal.addEventListener("click", () => salt.replaceChildren(e.salt));
      salt.append("•••• ", reveal);
      const which = { index, createdAt: e.created_at };
      const exportButton = el("button", { class: "small" }, "Export…");
      exportButton.addEventListener("click", () => exportHistory(which));
      const verifyButton = el("button", { class: "small" }, "Verify");
      verifyButton.addEventListener("click", () => verifyHistory(which));
      // deleting asks once more, in place: the second click deletes
      const deleteButton = el("button", { class: "small danger" }, "Delete");
      deleteButton.addEventListener("click", () => {
        if (deleteButton.dataset.armed) deleteHistory(which);
        else {
          deleteButton.dataset.armed = "yes";
          deleteButton.textContent = "Delete for good?";
        }
      });
      const actions = el("td", { class: "nowrap" });
      actions.append(exportButton, " ", verifyButton, " ", deleteButton);
      tr.append(el("td", { class: "nowrap" }, readableTime(e.created_at)), el("td", {}, e.model), el("td", {}, e.result), salt, actions);
      table.appendChild(tr);
    });
    if (!entries.length) $("history-note").textContent = "No proofs yet.";
  } catch (e) {
    showError($("history-error"), e);
  }
}

// each action names its entry by position and time, so a list changed meanwhile is refused
export async function exportHistory(which, path = null) {
  try {
    const saved = await invoke("history_export", { ...which, path });
    if (saved) $("history-result").textContent = `Bundle saved to ${saved}. The salt stays in your history.`;
  } catch (e) {
    showError($("history-error"), e);
  }
}

export async function verifyHistory(which) {
  $("history-result").textContent = "Checking…";
  try {
    const v = await invoke("history_verify", which);
    $("history-result").textContent = v.valid
      ? `${v.outcome}: ${v.result?.text ?? ""}${v.publisher ? `, model signed by ${v.publisher}` : ""}.`
      : `${v.outcome}: ${v.reason}.`;
  } catch (e) {
    $("history-result").textContent = "";
    showError($("history-error"), e);
  }
}

async function deleteHistory(which) {
  try {
    await invoke("history_delete", which);
    await showHistory();
    $("history-result").textContent = "The entry was deleted from this computer's history (bundles you saved elsewhere are untouched).";
  } catch (e) {
    showError($("history-error"), e);
  }
}
