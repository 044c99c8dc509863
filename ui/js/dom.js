// What every screen uses: the Rust commands (window.__TAURI__; no network), element
// helpers, and text for people (errors, times, probabilities).

export const { invoke, Channel } = window.__TAURI__.core;
export const { listen } = window.__TAURI__.event;
export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// An error in words for people: the engine's messages quote names with backticks (as the
// CLI prints them), shown here as quotation marks.
export function errorText(err) {
  const text = err && err.message ? err.message : String(err);
  return text.replace(/`([^`]*)`/g, "“$1”");
}
export function showError(target, err) {
  target.textContent = errorText(err);
}

// "2026-11-26T10:58:03Z" → "2026-11-26 11:58" in this computer's time zone, with the
// zone's name ("Europe/Paris"); the cell keeps it on one line
export function readableTime(rfc3339) {
  const d = new Date(rfc3339 || "");
  if (Number.isNaN(d.getTime())) return rfc3339;
  const two = (n) => String(n).padStart(2, "0");
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())} (${zone})`;
}

// A probability as a person should read it: never a certainty the model cannot give.
export function percent(p) {
  if (p >= 0.999) return "> 99.9 %";
  if (p <= 0.001) return "< 0.1 %";
  return (100 * p).toFixed(1) + " %";
}
