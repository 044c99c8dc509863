// The regulator's tab: inspect an ONNX model file (digest, circuits, layers) and compare
// it with the model a bundle names.

import { $, el, invoke, showError } from "./dom.js";

let inspectedDigest = null;

export function setUpRegulator() {
  $("compare-bundle").addEventListener("click", () => compareBundle());
  $("open-model").addEventListener("click", () => openModel());
}

export async function compareBundle(path) {
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

// a table from a header row and rows of [text, class?] cells
function fillTable(id, header, lines) {
  const tbl = $(id);
  tbl.replaceChildren();
  const head = el("tr");
  head.append(...header.map((h) => el("th", { scope: "col" }, h)));
  tbl.appendChild(head);
  for (const cells of lines) {
    const tr = el("tr");
    tr.append(...cells.map(([text, cls]) => el("td", cls ? { class: cls } : {}, text)));
    tbl.appendChild(tr);
  }
}

export async function openModel(path) {
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
      tr.append(el("th", { scope: "row" }, k), el("td", { class: k === "zkDx digest" || k === "File SHA-256" ? "mono" : "" }, v));
      t.appendChild(tr);
    }
    fillTable("features-table", ["feature", "unit", "accepted range"],
      m.features.map((f) => [[f.name], [f.unit || "–"], [`${f.min} to ${f.max}`]]));
    fillTable("circuits-table", ["disclosure", "what a proof makes public", "size", "verifier-data fingerprint"],
      m.circuits.map((c) => [[c.disclosure], [c.discloses], [`${c.rows.toLocaleString()} rows`], [c.fingerprint, "mono"]]));
    fillTable("ops-table", ["#", "layer", "shape", "parameters"],
      m.ops.map((op, i) => [[String(i)], [op.onnx], [op.detail], [op.parameters.toLocaleString()]]));
    $("inspect").classList.remove("hidden");
  } catch (e) {
    $("inspect").classList.add("hidden");
    showError($("inspect-error"), e);
  }
}
