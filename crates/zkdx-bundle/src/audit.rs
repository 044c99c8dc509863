//! A regulator's audit: every bundle in a folder checked as a clinician would check it (the
//! same [`check_bundle_bytes`]), in parallel, into one report written as JSON and as a
//! self-contained HTML page.
//!
//! Bundles are grouped by the model and disclosure they name; groups run in parallel and the
//! bundles of one group one after another, so that a model's circuit is built once and its
//! verifier cached (for endorsed models) before the others of its group are checked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::format::ProofBundle;
use crate::trust::TrustList;
use crate::verdict::Freshness;
use crate::workflow::check_bundle_bytes;

/// The report's `format` field.
pub const REPORT_FORMAT: &str = "zkdx-audit-report";

/// One bundle's line in the report. Model, publisher, result and freshness are filled only
/// for a bundle whose proof is valid, and the model's fields come from the model file, never
/// from the bundle.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// The bundle file.
    pub file: String,
    /// `VALID`, `VALID PROOF, UNAPPROVED MODEL`, `INVALID` or `CANNOT CHECK`.
    pub outcome: &'static str,
    /// `zkdx verify`'s exit status for it.
    pub exit_code: u8,
    /// Why it is not VALID.
    pub reason: Option<String>,
    /// The model's id, name and version (from the model), for a valid proof.
    pub model: Option<String>,
    /// The model digest, for a valid proof.
    pub digest: Option<String>,
    /// Who stands behind the model (the trust list's name), for a VALID bundle.
    pub publisher: Option<String>,
    /// What the proof discloses, for a valid proof.
    pub disclosure: Option<String>,
    /// The proven result, for a valid proof.
    pub result: Option<String>,
    /// The challenge the proof answers, if any (proven), for a valid proof.
    pub challenge: Option<String>,
    /// When the bundle says it was made (its claim; not proven).
    pub created_at_as_claimed: Option<String>,
    /// The device key fingerprint that signed it, if signed and valid.
    pub signer: Option<String>,
}

impl AuditEntry {
    /// The line of a bundle that could not be checked; every detail absent.
    fn cannot_check(file: &Path, reason: Option<String>) -> AuditEntry {
        AuditEntry {
            file: file.display().to_string(),
            outcome: "CANNOT CHECK",
            exit_code: 2,
            reason,
            model: None,
            digest: None,
            publisher: None,
            disclosure: None,
            result: None,
            challenge: None,
            created_at_as_claimed: None,
            signer: None,
        }
    }
}

/// The whole audit.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Always [`REPORT_FORMAT`].
    pub format: &'static str,
    /// When the audit ran (RFC 3339, UTC).
    pub audited_at: String,
    /// The folder audited.
    pub folder: String,
    /// The trust list used.
    pub trust_list: String,
    /// How many bundles had each outcome.
    pub summary: BTreeMap<&'static str, usize>,
    /// One entry per bundle, in file-name order.
    pub bundles: Vec<AuditEntry>,
}

impl AuditReport {
    /// The worst outcome's exit status: 1 if any bundle is INVALID, else 2 if any could not
    /// be checked, else 3 if any model is unapproved, else 0 (all VALID, or no bundle).
    pub fn exit_code(&self) -> u8 {
        let has = |code: u8| self.bundles.iter().any(|b| b.exit_code == code);
        [1, 2, 3].into_iter().find(|&c| has(c)).unwrap_or(0)
    }

    /// As pretty JSON.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = crate::format::plain_json(self, true);
        bytes.push(b'\n');
        bytes
    }

    /// As a self-contained HTML page (no script, no remote resource).
    pub fn to_html(&self) -> String {
        let mut rows = String::new();
        for b in &self.bundles {
            let class = match b.exit_code {
                0 => "valid",
                1 => "invalid",
                2 => "unchecked",
                _ => "unapproved",
            };
            let cell = |v: &Option<String>| escape(v.as_deref().unwrap_or("–"));
            rows.push_str(&format!(
                "<tr class=\"{class}\"><td>{}</td><td><b>{}</b>{}</td><td>{}<br><code>{}</code></td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                escape(&b.file),
                escape(b.outcome),
                b.reason.as_deref().map(|r| format!("<br>{}", escape(r))).unwrap_or_default(),
                cell(&b.model),
                cell(&b.digest),
                cell(&b.publisher),
                cell(&b.disclosure),
                cell(&b.result),
                cell(&b.challenge),
                cell(&b.created_at_as_claimed),
            ));
        }
        let summary: Vec<String> = self.summary.iter().map(|(k, v)| format!("{}: {v}", escape(k))).collect();
        format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
             <title>zkDx audit of {folder}</title><style>\
             body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}\
             td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}\
             code{{font-size:80%}}.valid b{{color:#1b6e2e}}.invalid b{{color:#a11}}\
             .unchecked b{{color:#555}}.unapproved b{{color:#9a5b00}}</style></head><body>\n\
             <h1>zkDx audit</h1>\n<p>Folder <code>{folder}</code>, audited {at} against the trust list \
             <code>{trust}</code>.</p>\n<p>{summary}</p>\n\
             <p>Model, publisher, result and challenge are shown only for bundles whose proof is valid, and \
             come from the model and the proof, never from the bundle. The time is the bundle's own claim, \
             not proven.</p>\n<table><tr><th>Bundle</th><th>Outcome</th><th>Model</th><th>Publisher</th>\
             <th>Disclosure</th><th>Result</th><th>Challenge answered</th><th>Made (claimed)</th></tr>\n\
             {rows}</table>\n</body></html>\n",
            folder = escape(&self.folder),
            at = escape(&self.audited_at),
            trust = escape(&self.trust_list),
            summary = summary.join(", "),
        )
    }
}

/// `s` with HTML's five special characters escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A bundle file waiting to be checked: its place in the report, its path, its bytes.
type Pending = (usize, PathBuf, Result<Vec<u8>, String>);

/// The bundle files in `folder` (`*.zkdx.json`, not in subfolders), in name order.
pub fn bundle_files(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(folder).map_err(|e| format!("cannot read the folder {}: {e}", folder.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".zkdx.json")))
        .collect();
    files.sort();
    Ok(files)
}

/// Audit every bundle file in `folder` against the shipped models in `models_dir` and the
/// trust list at `trust_path`. Errors only when the folder or the trust list cannot be read;
/// a bundle that cannot be read is a CANNOT CHECK line.
pub fn audit_folder(
    folder: &Path,
    models_dir: &Path,
    trust_path: &Path,
    audited_at: String,
) -> Result<AuditReport, String> {
    let trust = TrustList::load(trust_path).map_err(|e| format!("{e}; give your trust list with --trust FILE"))?;
    let files = bundle_files(folder)?;
    // group by the model and disclosure each bundle names (unreadable ones alone)
    let mut groups: BTreeMap<String, Vec<Pending>> = BTreeMap::new();
    for (i, file) in files.into_iter().enumerate() {
        let bytes = crate::format::read_bundle_file(&file);
        let key = match bytes.as_deref().ok().map(ProofBundle::from_bytes) {
            Some(Ok(b)) => format!("{}/{}/{}", b.model.id, b.model.digest, b.result.disclosure),
            _ => format!("unreadable/{i}"),
        };
        groups.entry(key).or_default().push((i, file, bytes));
    }
    let groups: Vec<_> = groups.into_values().collect();
    let mut entries: Vec<(usize, AuditEntry)> = groups
        .into_par_iter()
        .flat_map_iter(|group| {
            group
                .into_iter()
                .map(|(i, file, bytes)| (i, audit_one(&file, bytes, models_dir, &trust)))
                .collect::<Vec<_>>()
        })
        .collect();
    entries.sort_by_key(|(i, _)| *i);
    let bundles: Vec<AuditEntry> = entries.into_iter().map(|(_, e)| e).collect();
    let mut summary = BTreeMap::new();
    for b in &bundles {
        *summary.entry(b.outcome).or_insert(0) += 1;
    }
    Ok(AuditReport {
        format: REPORT_FORMAT,
        audited_at,
        folder: folder.display().to_string(),
        trust_list: trust_path.display().to_string(),
        summary,
        bundles,
    })
}

fn audit_one(file: &Path, bytes: Result<Vec<u8>, String>, models_dir: &Path, trust: &TrustList) -> AuditEntry {
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return AuditEntry::cannot_check(file, Some(e)),
    };
    let mut entry = AuditEntry::cannot_check(file, None);
    let checked = check_bundle_bytes(&bytes, None, models_dir, trust, None);
    let verdict = &checked.verdict;
    entry.outcome = verdict.headline();
    entry.exit_code = verdict.exit_code();
    entry.reason = verdict.reason().map(str::to_string);
    entry.publisher = verdict.publisher().map(str::to_string);
    entry.signer = verdict.signer().map(str::to_string);
    if let (Some(m), Some(b), Some(f)) = (&checked.model, &checked.bundle, &checked.freshness) {
        entry.model = Some(format!("{} ({}, version {})", m.name(), m.id(), m.version()));
        entry.digest = Some(m.digest().to_string());
        entry.disclosure = Some(b.result.disclosure.to_string());
        entry.result = Some(m.describe(&crate::make::disclosed_outcome(m, &b.result)));
        entry.challenge = match f {
            Freshness::Fresh(c) | Freshness::NotAsked { answers: Some(c) } => Some(c.to_string()),
            Freshness::NotAsked { answers: None } => None,
        };
        entry.created_at_as_claimed = Some(b.created_at.clone());
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_everything_a_bundle_or_file_name_could_inject() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
        let report = AuditReport {
            format: REPORT_FORMAT,
            audited_at: "now".into(),
            folder: "<b>".into(),
            trust_list: "t".into(),
            summary: BTreeMap::from([("INVALID", 1)]),
            bundles: vec![AuditEntry {
                outcome: "INVALID",
                exit_code: 1,
                ..AuditEntry::cannot_check(
                    Path::new("<img src=x onerror=alert(1)>.zkdx.json"),
                    Some("<i>edited</i>".into()),
                )
            }],
        };
        let html = report.to_html();
        assert!(!html.contains("<img") && !html.contains("<i>"), "{html}");
        assert!(html.contains("Folder <code>&lt;b&gt;</code>"), "{html}");
        assert!(html.contains("&lt;img src=x"));
        assert_eq!(report.exit_code(), 1);
    }
}
