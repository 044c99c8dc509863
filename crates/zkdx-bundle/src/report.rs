//! The printable report: one A4 page (PDF, drawn with `pdf-writer` in the standard Helvetica
//! font) of what a clinician files from a checked bundle: the verdict, the model and who
//! stands behind it, the disclosed result, what the proof proves and what it does not, and
//! the bundle's fingerprint (SHA-256 of the file). A bundle that is not VALID shows the
//! verdict and its reason, and what the bundle claims marked as unverified.

use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use zkdx_model::Model;

use crate::format::ProofBundle;
use crate::make::disclosed_outcome;
use crate::verdict::{claims, variant, what_it_does_not_prove, what_it_proves, Freshness, Verdict};

/// What a report is made from.
pub struct Report<'a> {
    /// The bundle file as it was checked.
    pub bytes: &'a [u8],
    /// The bundle, if it could be read.
    pub bundle: Option<&'a ProofBundle>,
    /// The model it was checked against, if one was found.
    pub model: Option<&'a Model>,
    /// The verdict.
    pub verdict: &'a Verdict,
    /// Whether it answers the clinician's challenge.
    pub freshness: Option<&'a Freshness>,
    /// When the report is made (shown as is).
    pub printed: &'a str,
}

/// The one-page PDF report of a bundle file checked by
/// [`crate::workflow::read_and_check_bundle_file`] (its bytes and verdict), made at
/// `printed`.
pub fn report_pdf(bytes: &[u8], checked: &crate::workflow::Checked, printed: &str) -> Vec<u8> {
    let report = Report {
        bytes,
        bundle: checked.bundle.as_ref(),
        model: checked.model.as_ref(),
        verdict: &checked.verdict,
        freshness: checked.freshness.as_ref(),
        printed,
    };
    pdf(&lines(&report))
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// The page title.
    Title(String),
    /// A section heading.
    Heading(String),
    /// A label and its value (wrapped under the value column).
    Field(String, String),
    /// A paragraph.
    Text(String),
}

/// The bundle file's fingerprint: SHA-256 of its bytes, hex.
pub fn fingerprint(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The report's lines, in order.
pub fn lines(r: &Report<'_>) -> Vec<Line> {
    let field = |k: &str, v: String| Line::Field(k.to_string(), v);
    let mut out = vec![Line::Title("zkDx verification report".into())];
    out.push(field("Verdict", r.verdict.headline().to_string()));
    if let Some(reason) = r.verdict.reason() {
        out.push(field("Reason", reason.to_string()));
    }
    let checked = matches!(r.verdict, Verdict::Valid { .. } | Verdict::Unapproved { .. });
    match (r.bundle, r.model, checked) {
        (Some(bundle), Some(model), true) => {
            out.push(Line::Heading("Model".into()));
            out.push(field("Name", format!("{} (version {})", model.name(), model.version())));
            out.push(field("zkDx digest", bundle.model.digest.clone()));
            out.push(field("Publisher", r.verdict.publisher().unwrap_or("none approves this model").to_string()));
            if let Some(card) = &model.card() {
                out.push(field("Intended use", card.intended_use.clone()));
                out.push(field("Limitations", card.limitations.clone()));
            }
            out.push(Line::Heading("Result".into()));
            out.push(field("Disclosed result", model.describe(&disclosed_outcome(model, &bundle.result))));
            let disclosure = bundle.result.disclosure;
            out.push(field("Disclosure", format!("{disclosure}: {}", disclosure.explain())));
            let assurance = variant(bundle).assurance;
            out.push(field("Assurance", format!("{assurance}: {}", assurance.explain())));
            if let Some(f) = r.freshness {
                out.push(field("Fresh", f.describe()));
            }
            out.push(Line::Heading("What was proved".into()));
            out.push(field("Proved", what_it_proves(bundle, model)));
            out.push(field("Not proved", what_it_does_not_prove(bundle)));
        }
        (bundle, _, _) => {
            out.push(Line::Heading("What the bundle claims (unverified: do not rely on it)".into()));
            match bundle {
                Some(b) => {
                    for (k, v) in claims(b) {
                        out.push(field(k, v));
                    }
                }
                None => out.push(Line::Text("The file could not be read as a zkDx bundle.".into())),
            }
            out.push(Line::Text(
                "Next step: ask the patient for a new bundle, or fix what could not be read and check again.".into(),
            ));
        }
    }
    out.push(Line::Heading("Bundle".into()));
    out.push(field("SHA-256", fingerprint(r.bytes)));
    out.push(field("Report made", r.printed.to_string()));
    out
}

/// Text in the PDF's WinAnsi encoding (Latin-1 and a few typographic marks); anything else
/// is written in ASCII (`≥` as `>=`) or as `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{20}'..='\u{7e}' => out.push(c as u8),
            '\u{a0}'..='\u{ff}' => out.push(c as u32 as u8),
            '–' => out.push(0x96),
            '—' => out.push(0x97),
            '•' => out.push(0x95),
            '’' | '‘' => out.push(b'\''),
            '“' | '”' => out.push(b'"'),
            '…' => out.push(0x85),
            '≥' => out.extend_from_slice(b">="),
            '≤' => out.extend_from_slice(b"<="),
            '−' | '→' => out.extend_from_slice(if c == '→' { b"->" } else { b"-" }),
            _ => out.push(b'?'),
        }
    }
    out
}

/// Words of `text` in lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > width {
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(head);
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The report as a one-page A4 PDF.
pub fn pdf(lines: &[Line]) -> Vec<u8> {
    let (catalog, pages, page, regular, bold, contents, info) =
        (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5), Ref::new(6), Ref::new(7));
    let (left, value_x, top, bottom) = (50.0_f32, 170.0_f32, 790.0_f32, 40.0_f32);
    let mut c = Content::new();
    let mut y = top;
    let text = |c: &mut Content, font: &[u8], size: f32, x: f32, y: f32, s: &str| {
        c.begin_text();
        c.set_font(Name(font), size);
        c.next_line(x, y);
        c.show(Str(&win_ansi(s)));
        c.end_text();
    };
    for line in lines {
        if y < bottom {
            break; // one page: the report's fields are short; a longer one is cut, never overlapped
        }
        match line {
            Line::Title(t) => {
                text(&mut c, b"F2", 18.0, left, y, t);
                y -= 30.0;
            }
            Line::Heading(h) => {
                y -= 6.0;
                text(&mut c, b"F2", 12.0, left, y, h);
                c.set_line_width(0.5);
                c.move_to(left, y - 4.0).line_to(545.0, y - 4.0).stroke();
                y -= 20.0;
            }
            Line::Field(k, v) => {
                text(&mut c, b"F2", 9.5, left, y, k);
                for part in wrap(v, 74) {
                    text(&mut c, b"F1", 9.5, value_x, y, &part);
                    y -= 13.0;
                }
                y -= 2.0;
            }
            Line::Text(t) => {
                for part in wrap(t, 98) {
                    text(&mut c, b"F1", 9.5, left, y, &part);
                    y -= 13.0;
                }
                y -= 4.0;
            }
        }
    }
    let content = c.finish();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    {
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, 595.0, 842.0)).parent(pages).contents(contents);
        p.resources().fonts().pair(Name(b"F1"), regular).pair(Name(b"F2"), bold);
    }
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.stream(contents, &content);
    pdf.document_info(info).title(TextStr("zkDx verification report")).producer(TextStr("zkDx"));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_wrapped_by_words_and_encoded_for_the_standard_font() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(win_ansi("≥ 99.5% – kg/m²"), b">= 99.5% \x96 kg/m\xb2".to_vec());
    }

    #[test]
    fn a_report_is_one_page_pdf() {
        let verdict = Verdict::cannot_check("the file is missing");
        let r = Report { bytes: b"x", bundle: None, model: None, verdict: &verdict, freshness: None, printed: "now" };
        let lines = lines(&r);
        assert!(lines.contains(&Line::Field("Verdict".into(), "CANNOT CHECK".into())));
        let bytes = pdf(&lines);
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(String::from_utf8_lossy(&bytes).matches("/Type /Page\n").count(), 1);
    }
}
