// zkDx front end: talks to the Rust commands only (window.__TAURI__), no network.
"use strict";

const { invoke } = window.__TAURI__.core;
const { listen } = window.__TAURI__.event;
const $ = (id) => document.getElementById(id);

let models = [];
let current = null;

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// An error in words for people: the engine's messages quote names with backticks (as the
// CLI prints them), shown here as quotation marks.
function errorText(err) {
  const text = err && err.message ? err.message : String(err);
  return text.replace(/`([^`]*)`/g, "“$1”");
}
function showError(target, err) {
  target.textContent = errorText(err);
}

// ---- tabs
for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => selectTab(tab.dataset.tab));
}
function selectTab(name) {
  for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t.dataset.tab === name);
  for (const p of document.querySelectorAll(".panel")) p.classList.toggle("active", p.id === name);
  if (name === "history") showHistory();
  // this computer's key and history concern the patient, not a clinician's or regulator's check
  $("status").classList.toggle("hidden", !(name === "patient" || name === "history"));
}

async function showStatus() {
  const s = await invoke("app_status");
  const bar = $("status");
  if (s.problem) {
    bar.textContent = s.problem;
    bar.classList.add("problem");
  } else {
    bar.textContent = `Device key ${s.device_key} (in the OS keyring) signs your bundles · history encrypted at ${s.history_file}`;
  }
}

// "2026-11-26T10:58:03Z" → "2026-11-26 11:58" in this computer's time zone, with the
// zone's name ("Europe/Paris"); the cell keeps it on one line
function readableTime(rfc3339) {
  const d = new Date(rfc3339 || "");
  if (Number.isNaN(d.getTime())) return rfc3339;
  const two = (n) => String(n).padStart(2, "0");
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())} (${zone})`;
}

async function showHistory() {
  const table = $("history-table");
  table.replaceChildren();
  $("history-error").textContent = "";
  $("history-result").textContent = "";
  $("history-note").textContent = "Each proof you made: its result, when, and the salt that opens its input commitment. Your raw inputs are not kept.";
  try {
    const entries = await invoke("history");
    const head = el("tr");
    head.append(el("th", {}, "Made"), el("th", {}, "Model"), el("th", {}, "Result"), el("th", {}, "Salt"), el("th", {}, "Actions"));
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
async function exportHistory(which, path = null) {
  try {
    const saved = await invoke("history_export", { ...which, path });
    if (saved) $("history-result").textContent = `Bundle saved to ${saved}. The salt stays in your history.`;
  } catch (e) {
    showError($("history-error"), e);
  }
}
async function verifyHistory(which) {
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

// ---- patient
async function init() {
  try {
    models = await invoke("list_models");
  } catch (e) {
    showError($("form-error"), e);
    return;
  }
  const select = $("model-select");
  for (const m of models) select.appendChild(el("option", { value: m.id }, `${m.name} (v${m.version})`));
  select.addEventListener("change", () => chooseModel(select.value));
  if (models.length) chooseModel(models[0].id);
}

function showDisclosure() {
  const d = current.disclosures.find((c) => c.name === $("disclosure").value);
  $("disclosure-note").textContent = d ? d.explain : "";
}
$("disclosure").addEventListener("change", showDisclosure);

// The model select set from outside (the end-to-end test), as a user's choice would.
function chooseModelById(id) {
  const select = $("model-select");
  select.value = id;
  select.dispatchEvent(new Event("change"));
}

function chooseModel(id) {
  current = models.find((m) => m.id === id);
  $("conversions").classList.add("hidden");
  const card = $("model-card");
  card.replaceChildren();
  card.appendChild(el("p", {}, current.intended_use));
  card.appendChild(el("p", { class: "note" }, "Limits: " + current.limitations));
  const m = current.metrics;
  const acc = m.quantised_accuracy !== undefined
    ? `accuracy ${(100 * m.quantised_accuracy).toFixed(1)} % on the held-out split (float ${(100 * m.float_accuracy).toFixed(1)} %)`
    : `mean absolute error ${m.quantised_mae?.toFixed(1)} ${current.unit || ""} on the held-out split`;
  card.appendChild(el("p", { class: "note" }, acc));
  card.appendChild(el("p", { class: "note", id: "model-digest" }, "Digest " + current.digest));
  const select = $("disclosure");
  select.replaceChildren(...current.disclosures.map((d) =>
    el("option", d.default ? { value: d.name, selected: "selected" } : { value: d.name }, d.name)));
  showDisclosure();
  const form = $("record-form");
  form.replaceChildren();
  for (const f of current.features) {
    const div = el("div", { class: "field", id: "field-" + f.name });
    const input = el("input", { type: "text", inputmode: "decimal", name: f.name, id: "input-" + f.name });
    input.addEventListener("input", () => validateField(f, input));
    div.append(el("label", { for: input.id, title: f.description }, f.name),
      input,
      el("div", { class: "hint" }, f.allowed
        ? `one of ${f.allowed.join(", ")} (a code)`
        : `${f.min} – ${f.max} ${f.unit === "1" ? "" : f.unit}`),
      el("div", { class: "field-error" }));
    form.appendChild(div);
  }
  resetResult();
}

function validateField(f, input) {
  const v = input.value.trim();
  let msg = "";
  if (v !== "") {
    const x = Number(v);
    if (!Number.isFinite(x)) msg = "not a number";
    else if (x < f.min || x > f.max) msg = `outside ${f.min} – ${f.max}`;
    else if (f.allowed && !f.allowed.includes(x)) msg = `not one of ${f.allowed.join(", ")}`;
  }
  setFieldError(f.name, msg);
}

function setFieldError(name, msg) {
  const div = $("field-" + name);
  if (!div) return;
  div.classList.toggle("invalid", !!msg);
  div.querySelector(".field-error").textContent = msg;
}

function formValues() {
  const values = {};
  for (const f of current.features) {
    const v = $("input-" + f.name).value.trim();
    if (v !== "") values[f.name] = v;
  }
  return values;
}

function resetResult() {
  $("diagnosis").classList.add("hidden");
  $("proof").classList.add("hidden");
  $("progress").classList.add("hidden");
  $("form-error").textContent = "";
}

function showUiError(e) {
  // an error about one value is shown once, next to its field; the form only points to it
  if (e && e.feature) {
    setFieldError(e.feature, errorText(e));
    $("form-error").textContent = `Check the highlighted value: ${e.feature}.`;
  } else {
    showError($("form-error"), e);
  }
}

async function loadRecord(path) {
  resetResult();
  try {
    if (!path) path = await invoke("pick_file", { kind: "record" });
    if (!path) return;
    const loaded = await invoke("load_record", { modelId: current.id, path });
    for (const [k, v] of Object.entries(loaded.values)) {
      const input = $("input-" + k);
      if (input) input.value = v;
      setFieldError(k, "");
    }
    // values from FHIR in another unit: shown before anything is computed or proved
    const list = $("conversions-list");
    list.replaceChildren(...loaded.conversions.map((c) => el("li", {}, c)));
    $("conversions").classList.toggle("hidden", loaded.conversions.length === 0);
  } catch (e) {
    showUiError(e);
  }
}
$("load-record").addEventListener("click", () => loadRecord());

// A probability as a person should read it: never a certainty the model cannot give.
function percent(p) {
  if (p >= 0.999) return "> 99.9 %";
  if (p <= 0.001) return "< 0.1 %";
  return (100 * p).toFixed(1) + " %";
}

function drawChart(view) {
  const chart = $("chart");
  chart.replaceChildren();
  for (const [name, p] of view.bars) {
    const row = el("div", { class: "bar-row" });
    const track = el("div", { class: "bar-track" });
    const fill = el("div", { class: "bar-fill" });
    fill.style.width = (100 * p).toFixed(1) + "%";
    track.appendChild(fill);
    row.append(el("span", {}, name), track, el("span", {}, percent(p)));
    chart.appendChild(row);
  }
  for (const [name, v] of view.scores) {
    chart.appendChild(el("p", {}, `${name}: ${v.toFixed(1)} ${view.unit || ""}`));
  }
}

async function diagnose() {
  resetResult();
  for (const f of current.features) setFieldError(f.name, "");
  try {
    const d = await invoke("diagnose", { modelId: current.id, values: formValues() });
    $("diagnosis-text").textContent = d.quantised.label ?? d.quantised.text;
    drawChart(d.quantised);
    const [q, f] = [d.quantised, d.float];
    $("diagnosis-note").textContent =
      q.label == null
        ? `The proof uses a whole-number version of the model; the original model gives ${f.text}.`
        : q.label === f.label
          ? "The proof uses a whole-number version of the model; the original model gives the same result."
          : `Warning: the original model gives a different result (${f.text}); ask your clinician before relying on this one.`;
    $("diagnosis").classList.remove("hidden");
  } catch (e) {
    showUiError(e);
  }
}
$("diagnose").addEventListener("click", diagnose);

$("copy-salt").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText($("salt").textContent);
    $("copied").textContent = "copied";
  } catch {
    // no clipboard access: select it for the user to copy
    const range = document.createRange();
    range.selectNodeContents($("salt"));
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    $("copied").textContent = "selected: press Ctrl+C to copy";
  }
});

// the proof this window is showing: its id (from its channel's first message) until it
// ends, then the finished proof's id for saving
let runningProof = null;
let shownProof = null;
function proofChannel() {
  const channel = new window.__TAURI__.core.Channel();
  channel.onmessage = (m) => {
    if (m.event === "started") {
      runningProof = m.id;
      $("progress-estimate").textContent = m.estimate;
    }
    else if (m.event === "stage") onStage(m.stage, m.fraction);
  };
  return channel;
}
async function prove() {
  $("proof").classList.add("hidden");
  $("progress").classList.remove("hidden");
  $("prove").disabled = true;
  $("cancel").classList.remove("hidden");
  setProgress(0.02, "starting");
  try {
    const challenge = $("challenge").value.trim() || null;
    const p = await invoke("prove", {
      modelId: current.id, values: formValues(), disclosure: $("disclosure").value, challenge, onEvent: proofChannel(),
    });
    shownProof = p.id;
    const shared = $("disclosure").selectedOptions[0]?.textContent ?? $("disclosure").value;
    $("proof-text").textContent =
      `${readableTime(p.created_at)}: ${p.result.text}. Proof of ${Math.round(p.proof_bytes / 1024)} KB, ` +
      (p.signed_by ? "signed by this device." : "not signed (no keyring on this computer).") +
      (p.history_warning ? ` History: ${p.history_warning}` : "");
    $("share-list").replaceChildren(
      el("li", {}, `the result, as you chose (${shared})`),
      el("li", {}, "which model (its digest)"),
      ...(challenge ? [el("li", {}, `the answer to your clinician's challenge ${challenge}`)] : []),
      el("li", {}, "a sealed commitment to your values: without your record and salt it reveals nothing about them"),
      el("li", {}, "the proof, built to reveal nothing else about your values"),
    );
    $("salt").textContent = p.salt;
    $("copied").textContent = "";
    $("saved").textContent = "";
    $("proof").classList.remove("hidden");
    setProgress(1, "done");
  } catch (e) {
    showUiError(e);
    $("progress").classList.add("hidden");
  } finally {
    runningProof = null;
    $("prove").disabled = false;
    $("cancel").classList.add("hidden");
  }
}
function setProgress(fraction, label) {
  $("progress-fill").style.width = (100 * fraction).toFixed(0) + "%";
  $("progress-label").textContent = label;
  $("progress").dataset.fraction = fraction;
}
// each stage as the prover starts it (no timer: the bar moves only with real work)
function onStage(stage, fraction) {
  setProgress(fraction, stage);
}
$("prove").addEventListener("click", prove);
$("cancel").addEventListener("click", () => { if (runningProof !== null) invoke("cancel_prove", { id: runningProof }); });

async function saveBundle(path) {
  try {
    if (shownProof === null) throw "there is no proof to save yet";
    const saved = await invoke("save_bundle", { id: shownProof, path: path ?? null });
    if (saved) $("saved").textContent = "Saved to " + saved;
  } catch (e) {
    showUiError(e);
  }
}
$("save").addEventListener("click", () => saveBundle());

// ---- clinician
let openedBundle = null;
// `modelPath`: check against this model file instead of the shipped one the bundle names.
async function openBundle(path, modelPath = null) {
  $("check-result").textContent = "";
  try {
    if (!path) path = await invoke("pick_file", { kind: "bundle" });
    if (!path) return;
    const challenge = $("expected-challenge").value.trim() || null;
    $("verdict-badge").textContent = "Checking…";
    $("verdict-badge").className = "badge";
    $("verdict-reason").textContent = "The first check of a model also builds its verifier: a few seconds.";
    $("verdict-table").replaceChildren();
    $("export-actions").classList.add("hidden");
    $("verdict").classList.remove("hidden");
    const v = await invoke("verify_bundle", { path, modelPath, challenge });
    openedBundle = path;
    const badge = $("verdict-badge");
    badge.textContent = v.outcome;
    const kind = v.valid ? "valid" : { INVALID: "invalid", "CANNOT CHECK": "unchecked" }[v.outcome] ?? "unapproved";
    badge.className = "badge " + kind;
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
      tr.append(el("th", {}, k), el("td", { class: k.includes("digest") || k === "Input" || k === "Signed by" ? "mono" : "" }, val));
      table.appendChild(tr);
    }
    // what a bundle that is not VALID claims: greyed, never as a fact
    if (v.claimed.length) {
      const head = el("tr", { class: "claimed" });
      head.append(el("th", { colspan: "2" }, "What the bundle claims (not verified: do not rely on it)"));
      table.appendChild(head);
      for (const [k, val] of v.claimed) {
        const tr = el("tr", { class: "claimed" });
        tr.append(el("th", {}, k), el("td", {}, val));
        table.appendChild(tr);
      }
    }
    // a verdict that vouches for the result can be filed: FHIR for records, PDF to print
    $("export-actions").classList.toggle("hidden", !(v.valid || kind === "unapproved"));
    $("export-result").textContent = "";
    $("verdict").classList.remove("hidden");
  } catch (e) {
    $("export-actions").classList.add("hidden");
    $("verdict-badge").textContent = "CANNOT CHECK";
    $("verdict-badge").className = "badge unchecked";
    showError($("verdict-reason"), e);
    $("verdict-table").replaceChildren();
    $("verdict").classList.remove("hidden");
  }
}
$("open-bundle").addEventListener("click", () => openBundle());

// `kind`: `fhir` (a FHIR R4 Bundle for a records system) or `report` (a one-page PDF).
async function exportBundle(kind, savePath = null) {
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
$("export-fhir").addEventListener("click", () => exportBundle("fhir"));
$("export-report").addEventListener("click", () => exportBundle("report"));
$("print-verdict").addEventListener("click", () => window.print());
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
async function chooseTrustList(path = null, shipped = false) {
  try {
    const t = await invoke("choose_trust_list", { path, shipped });
    if (t) showTrust(t);
  } catch (e) {
    $("trust-note").className = "note error";
    showError($("trust-note"), e);
  }
}
$("choose-trust").addEventListener("click", () => chooseTrustList());
$("shipped-trust").addEventListener("click", () => chooseTrustList(null, true));
refreshTrust();

$("issue-challenge").addEventListener("click", async () => {
  try {
    $("expected-challenge").value = await invoke("new_challenge");
  } catch (e) {
    showUiError(e);
  }
});

async function checkRecord(recordPath, salt) {
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
$("check-record-file").addEventListener("click", () => checkRecord());
listen("tauri://drag-drop", (event) => {
  const paths = event.payload && event.payload.paths;
  if (paths && paths.length) {
    selectTab("clinician");
    openBundle(paths[0]);
  }
});

// ---- regulator
let inspectedDigest = null;
async function compareBundle(path) {
  const out = $("compare-result");
  try {
    if (!path) path = await invoke("pick_file", { kind: "bundle" });
    if (!path || !inspectedDigest) return;
    const same = await invoke("compare_with_bundle", { modelDigest: inspectedDigest, bundlePath: path });
    out.textContent = same ? "the bundle speaks of this model" : "the bundle speaks of another model";
    out.className = same ? "" : "error";
  } catch (e) {
    out.className = "error";
    showError(out, e);
  }
}
$("compare-bundle").addEventListener("click", () => compareBundle());

async function openModel(path) {
  $("compare-result").textContent = "";
  $("inspect-error").textContent = "";
  try {
    if (!path) path = await invoke("pick_file", { kind: "model" });
    if (!path) return;
    const m = await invoke("inspect_model", { path });
    inspectedDigest = m.digest;
    const t = $("inspect-table");
    t.replaceChildren();
    const rows = [
      ["Model", `${m.name} (${m.id})`],
      ["Kind", m.kind === "classification" ? `classifier: ${m.outputs.join(", ")}` : `score: ${m.outputs.join(", ")}`],
      ["zkDx digest", m.digest + " (the quantised graph; docs/digest.md)"],
      ["File SHA-256", m.file_sha256],
      ["Shipped model with this digest", m.shipped_match || "none"],
      ["Parameters", m.parameters.toLocaleString()],
      ["Multiply-accumulates", m.macs.toLocaleString()],
      ["Arithmetic", `integers standing for multiples of 1/${(2 ** m.scale_bits).toLocaleString()} (${m.scale_bits} fractional bits)`],
    ];
    for (const [k, v] of rows) {
      const tr = el("tr");
      tr.append(el("th", {}, k), el("td", { class: k === "zkDx digest" || k === "File SHA-256" ? "mono" : "" }, v));
      t.appendChild(tr);
    }
    const table = (id, header, lines) => {
      const tbl = $(id);
      tbl.replaceChildren();
      const head = el("tr");
      head.append(...header.map((h) => el("th", {}, h)));
      tbl.appendChild(head);
      for (const cells of lines) {
        const tr = el("tr");
        tr.append(...cells.map(([text, cls]) => el("td", cls ? { class: cls } : {}, text)));
        tbl.appendChild(tr);
      }
    };
    table("features-table", ["feature", "unit", "accepted range"],
      m.features.map((f) => [[f.name], [f.unit || "–"], [`${f.min} to ${f.max}`]]));
    table("circuits-table", ["disclosure", "what a proof makes public", "size", "verifier-data fingerprint"],
      m.circuits.map((c) => [[c.disclosure], [c.discloses], [`${c.rows.toLocaleString()} rows`], [c.fingerprint, "mono"]]));
    table("ops-table", ["#", "layer", "shape", "parameters"],
      m.ops.map((op, i) => [[String(i)], [op.onnx], [op.detail], [op.parameters.toLocaleString()]]));
    $("inspect").classList.remove("hidden");
  } catch (e) {
    $("inspect").classList.add("hidden");
    showError($("inspect-error"), e);
  }
}
$("open-model").addEventListener("click", () => openModel());

// entry points for end-to-end tests, which cannot drive native file dialogs
window.zkdx = { loadRecord, openBundle, exportBundle, chooseModelById, openModel, saveBundle, selectTab, checkRecord, compareBundle, chooseTrustList, exportHistory, verifyHistory };

// First run: a short guide and a role chooser; the role chosen opens its tab next time.
const ROLE_KEY = "zkdx.role";
function showWelcome(show) {
  $("welcome").classList.toggle("hidden", !show);
  if (show) $("role-patient").focus();
}
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

showStatus();
init();
