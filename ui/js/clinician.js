// The clinician's tab: issue a challenge, choose the trust list, open a bundle (button or
// drop) for its verdict, file it (FHIR, PDF, print), check a record against its commitment.

import { $, el, invoke, listen, showError } from "./dom.js";
import { showUiError } from "./patient.js";
import { selectTab } from "./tabs.js";

let openedBundle = null;

export function setUpClinician() {
  $("open-bundle").addEventListener("click", () => openBundle());
  $("export-fhir").addEventListener("click", () => exportBundle("fhir"));
  $("export-report").addEventListener("click", () => exportBundle("report"));
  $("print-verdict").addEventListener("click", () => window.print());
  $("choose-trust").addEventListener("click", () => chooseTrustList());
  $("shipped-trust").addEventListener("click", () => chooseTrustList(null, true));
  $("issue-challenge").addEventListener("click", async () => {
    try {
      $("expected-challenge").value = await invoke("new_challenge");
    } catch (e) {
      showUiError(e);
    }
  });
  $("check-record-file").addEventListener("click", () => checkRecord());
  listen("tauri://drag-drop", (event) => {
    const paths = event.payload && event.payload.paths;
    if (paths && paths.length) {
      selectTab("clinician");
      openBundle(paths[0]);
    }
  });
  refreshTrust();
}

function setBadge(text, kind) {
  const badge = $("verdict-badge");
  badge.textContent = text;
  badge.className = kind ? "badge " + kind : "badge";
}

// `modelPath`: check against this model file instead of the shipped one the bundle names.
export async function openBundle(path, modelPath = null) {
  $("check-result").textContent = "";
  try {
    if (!path) path = await invoke("pick_file", { kind: "bundle" });
    if (!path) return;
    const challenge = $("expected-challenge").value.trim() || null;
    setBadge("Checking…");
    $("verdict").setAttribute("aria-busy", "true");
    $("verdict-reason").textContent = "The first check of a model also builds its verifier: a few seconds.";
    $("verdict-table").replaceChildren();
    $("export-actions").classList.add("hidden");
    $("verdict").classList.remove("hidden");
    const v = await invoke("verify_bundle", { path, modelPath, challenge });
    openedBundle = path;
    const kind = v.valid ? "valid" : { INVALID: "invalid", "CANNOT CHECK": "unchecked" }[v.outcome] ?? "unapproved";
    setBadge(v.outcome, kind);
    $("verdict-reason").textContent = {
      valid: "",
      invalid: `${v.reason}. Do not rely on anything in this bundle; ask the patient for a new proof.`,
      unchecked: `${v.reason}. This says nothing about forgery: fix the cause and check again.`,
      unapproved: `The proof is valid, but no publisher you trust stands behind this model: ${v.reason}. Anyone can make a model and prove with it; do not rely on the result.`,
    }[kind];
    const table = $("verdict-table");
    table.replaceChildren();
    // only a VALID bundle's details are shown (the engine sends none otherwise)
    const rows = v.valid
      ? [
          ["Result", v.result.text],
          ["Model", `${v.model_name} (version ${v.model_version})`],
          ["Publisher", v.publisher],
          ["Fresh", v.freshness],
          ["Model digest", v.model_digest],
          ["Made", `${v.created_at} (as the bundle states; not proven)`],
          ["Input", "not disclosed; committed as " + v.input_commitment],
          ["Signed by", v.signer ? "device key " + v.signer + " (a device, not a person's identity)" : "unsigned (no device signature)"],
          ["Proves", v.proves],
          ["Does not prove", v.not_proved],
          ["Intended use", v.intended_use],
          ["Limits", v.limitations],
        ]
      : [];
    for (const [k, val] of rows) {
      if (!val) continue;
      const tr = el("tr");
      tr.append(el("th", { scope: "row" }, k), el("td", { class: k.includes("digest") || k === "Input" || k === "Signed by" ? "mono" : "" }, val));
      table.appendChild(tr);
    }
    // what a bundle that is not VALID claims: greyed, never as a fact
    if (v.claimed.length) {
      const head = el("tr", { class: "claimed" });
      head.append(el("th", { colspan: "2", scope: "colgroup" }, "What the bundle claims (not verified: do not rely on it)"));
      table.appendChild(head);
      for (const [k, val] of v.claimed) {
        const tr = el("tr", { class: "claimed" });
        tr.append(el("th", { scope: "row" }, k), el("td", {}, val));
        table.appendChild(tr);
      }
    }
    // a verdict that vouches for the result can be filed: FHIR for records, PDF to print
    $("export-actions").classList.toggle("hidden", !(v.valid || kind === "unapproved"));
    $("export-result").textContent = "";
    $("verdict").classList.remove("hidden");
  } catch (e) {
    $("export-actions").classList.add("hidden");
    setBadge("CANNOT CHECK", "unchecked");
    showError($("verdict-reason"), e);
    $("verdict-table").replaceChildren();
    $("verdict").classList.remove("hidden");
  } finally {
    $("verdict").setAttribute("aria-busy", "false");
  }
}

// `kind`: `fhir` (a FHIR R4 Bundle for a records system) or `report` (a one-page PDF).
export async function exportBundle(kind, savePath = null) {
  const out = $("export-result");
  out.textContent = "";
  try {
    if (!openedBundle) throw "open a bundle first";
    const challenge = $("expected-challenge").value.trim() || null;
    const saved = await invoke("export_bundle", { kind, path: openedBundle, modelPath: null, challenge, savePath });
    if (saved) out.textContent = (kind === "fhir" ? "FHIR R4 Bundle saved to " : "Report saved to ") + saved;
  } catch (e) {
    showError(out, e);
  }
}

// The trust list: which publishers and models the verdicts accept (the app's setting).
function showTrust(t) {
  $("trust-name").textContent = t.shipped ? "zkDx's shipped list (a demonstration)" : t.path;
  $("trust-name").className = t.shipped ? "" : "mono";
  const who = t.publishers.length ? t.publishers.join("; ") : "none";
  $("trust-note").className = "note";
  $("trust-note").textContent =
    `Trusted publishers: ${who}. ${t.approved} model(s) approved and ${t.revoked} revoked directly. ` +
    "A model no trusted publisher stands behind is never shown as VALID.";
}

async function refreshTrust() {
  try {
    showTrust(await invoke("trust_list"));
  } catch (e) {
    $("trust-name").textContent = "unreadable";
    $("trust-note").className = "note error";
    showError($("trust-note"), e);
  }
}

export async function chooseTrustList(path = null, shipped = false) {
  try {
    const t = await invoke("choose_trust_list", { path, shipped });
    if (t) showTrust(t);
  } catch (e) {
    $("trust-note").className = "note error";
    showError($("trust-note"), e);
  }
}

export async function checkRecord(recordPath, salt) {
  const out = $("check-result");
  try {
    if (!recordPath) recordPath = await invoke("pick_file", { kind: "record" });
    if (!recordPath || !openedBundle) return;
    const matches = await invoke("check_record", { bundlePath: openedBundle, recordPath, salt: salt ?? $("check-salt").value });
    out.textContent = matches ? "MATCHES: this record is the input the proof was made on." : "DOES NOT MATCH: this record (with this salt) is not the committed input.";
    out.className = matches ? "" : "error";
  } catch (e) {
    out.className = "error";
    showError(out, e);
  }
}
