// The patient's tab: choose a model, enter or load a record (CSV, JSON, FHIR), see the
// result, prove it in the background (a channel per proof), cancel, save the bundle.

import { $, Channel, el, errorText, invoke, percent, readableTime, showError } from "./dom.js";

let models = [];
let current = null;

export async function setUpPatient() {
  $("disclosure").addEventListener("change", showDisclosure);
  $("load-record").addEventListener("click", () => loadRecord());
  $("diagnose").addEventListener("click", diagnose);
  $("copy-salt").addEventListener("click", copySalt);
  $("prove").addEventListener("click", prove);
  $("cancel").addEventListener("click", () => { if (runningProof !== null) invoke("cancel_prove", { id: runningProof }); });
  $("save").addEventListener("click", () => saveBundle());
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

// The model select set from outside (the end-to-end test), as a user's choice would.
export function chooseModelById(id) {
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
    const input = el("input", {
      type: "text", inputmode: "decimal", name: f.name, id: "input-" + f.name,
      "aria-describedby": `hint-${f.name} error-${f.name}`,
    });
    input.addEventListener("input", () => validateField(f, input));
    div.append(el("label", { for: input.id, title: f.description }, f.name),
      input,
      el("div", { class: "hint", id: "hint-" + f.name }, f.allowed
        ? `one of ${f.allowed.join(", ")} (a code)`
        : `${f.min} – ${f.max} ${f.unit === "1" ? "" : f.unit}`),
      el("div", { class: "field-error", id: "error-" + f.name, "aria-live": "polite" }));
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
  $("input-" + name)?.setAttribute("aria-invalid", msg ? "true" : "false");
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

export function showUiError(e) {
  // an error about one value is shown once, next to its field; the form only points to it
  if (e && e.feature) {
    setFieldError(e.feature, errorText(e));
    $("form-error").textContent = `Check the highlighted value: ${e.feature}.`;
  } else {
    showError($("form-error"), e);
  }
}

export async function loadRecord(path) {
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

function drawChart(view) {
  const chart = $("chart");
  chart.replaceChildren();
  for (const [name, p] of view.bars) {
    const row = el("div", { class: "bar-row" });
    const track = el("div", { class: "bar-track", role: "img", "aria-label": `${name}: ${percent(p)}` });
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

async function copySalt() {
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
}

// the proof this window is showing: its id (from its channel's first message) until it
// ends, then the finished proof's id for saving
let runningProof = null;
let shownProof = null;
function proofChannel() {
  const channel = new Channel();
  channel.onmessage = (m) => {
    if (m.event === "started") {
      runningProof = m.id;
      $("progress-estimate").textContent = m.estimate;
    }
    // each stage as the prover starts it (no timer: the bar moves only with real work)
    else if (m.event === "stage") setProgress(m.fraction, m.stage);
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

// the bar and its ARIA progressbar values move together
function setProgress(fraction, label) {
  const pct = Math.round(100 * fraction);
  $("progress-fill").style.width = pct + "%";
  $("progress-label").textContent = label;
  const bar = $("progress-bar");
  bar.setAttribute("aria-valuenow", String(pct));
  bar.setAttribute("aria-valuetext", `${pct} %: ${label}`);
  $("progress").dataset.fraction = fraction;
}

export async function saveBundle(path) {
  try {
    if (shownProof === null) throw "there is no proof to save yet";
    const saved = await invoke("save_bundle", { id: shownProof, path: path ?? null });
    if (saved) $("saved").textContent = "Saved to " + saved;
  } catch (e) {
    showUiError(e);
  }
}
