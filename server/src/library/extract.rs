//! What an uploaded file really is, the text it holds for the search index,
//! and a name that is safe to send back.
//!
//! Everything here runs on bytes an unknown person chose: kinds are decided by
//! content, never trusted from names; parsers run behind `catch_unwind`; and
//! every decompression is bounded, so one upload cannot take the server down.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek};
use std::panic::{catch_unwind, UnwindSafe};
use std::time::{Duration, Instant};

use quick_xml::events::Event;
use zip::ZipArchive;

/// The most text one file gives the search index; longer text is cut on a char boundary.
pub const MAX_TEXT_BYTES: usize = 1_000_000;
/// The most an Office file may unpack to, over all the parts read.
pub const MAX_UNZIPPED_BYTES: u64 = 64 * 1024 * 1024;
/// Real documents deflate by 5–20:1; far beyond that is a decompression bomb.
const MAX_RATIO: u64 = 100;
/// Entries this small cannot hurt whatever their ratio, and short repetitive
/// XML parts do beat 100:1.
const RATIO_FREE_BYTES: u64 = 1024 * 1024;
/// The most one PDF stream may inflate to: parsed operators take several times
/// their source's memory, and real page contents are far smaller.
const PDF_STREAM_BYTES: usize = 16 * 1024 * 1024;
/// A crafted PDF can make every page inflate the same large stream again.
const PDF_TIME_BUDGET: Duration = Duration::from_secs(15);
/// The most drawing instructions one page's content may hold: each parsed
/// operator costs tens of bytes, and a page of text needs well under 200 KB.
const PDF_PAGE_CONTENT_BYTES: usize = 2 * 1024 * 1024;
/// The most content over all pages (a crafted file repeats one stream on every page).
const PDF_CONTENT_BYTES: usize = 32 * 1024 * 1024;
const PDF_TOO_SLOW: &str = "Reading the PDF's text took longer than the 15 seconds Herald allows a file, so its text was not read.";
const PDF_TOO_COMPLEX: &str = "The PDF holds far more drawing instructions than a document of text (over 2 MB on a page or 32 MB in all), so its text was not read.";

const EXECUTABLE: &str = "Programs and scripts cannot be uploaded.";
const ARCHIVE: &str = "Archives (zip, gzip, rar, 7z) cannot be uploaded; upload the documents inside them one by one.";
const LEGACY_OFFICE: &str = "Old-style Office files (.doc, .xls, .ppt) are not accepted; save the file as .docx, .xlsx or .pptx and upload that.";
const MACROS: &str = "Office files with macros are not accepted; save it as a .docx, .xlsx or .pptx without macros.";
const SVG: &str = "SVG images can carry scripts and are not accepted; upload a PNG instead.";
const NOT_TEXT: &str = "The file type was not recognised, and it is not UTF-8 text.";
const DAMAGED_OFFICE: &str = "The Office document appears to be damaged and could not be read.";
const BOMB: &str = "The file unpacks to far more data than its size suggests (over 64 MB or 100 times its packed size), so it was refused.";

/// What an uploaded file really is, decided from its bytes (magic numbers / structure), not its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FileKind { Pdf, Docx, Xlsx, Pptx, Png, Jpeg, Gif, Webp, Html, Markdown, PlainText }

/// Each kind's MIME type, extension and label, in the enum's order.
const KINDS: [(FileKind, &str, &str, &str); 11] = [
    (FileKind::Pdf, "application/pdf", "pdf", "PDF"),
    (FileKind::Docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word document"),
    (FileKind::Xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel spreadsheet"),
    (FileKind::Pptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "PowerPoint presentation"),
    (FileKind::Png, "image/png", "png", "PNG image"),
    (FileKind::Jpeg, "image/jpeg", "jpg", "JPEG image"),
    (FileKind::Gif, "image/gif", "gif", "GIF image"),
    (FileKind::Webp, "image/webp", "webp", "WebP image"),
    (FileKind::Html, "text/html; charset=utf-8", "html", "web page"),
    (FileKind::Markdown, "text/markdown; charset=utf-8", "md", "Markdown text"),
    (FileKind::PlainText, "text/plain; charset=utf-8", "txt", "plain text"),
];

impl FileKind {
    pub fn mime(self) -> &'static str {
        KINDS[self as usize].1
    }

    pub fn extension(self) -> &'static str {
        KINDS[self as usize].2
    }

    pub fn label(self) -> &'static str {
        KINDS[self as usize].3
    }

    pub fn is_image(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg | Self::Gif | Self::Webp)
    }

    fn is_text(self) -> bool {
        matches!(self, Self::Html | Self::Markdown | Self::PlainText)
    }

    /// The kind a file name claims, by its extension.
    fn claimed_by(file_name: &str) -> Option<Self> {
        let ext = extension_of(file_name)?.to_ascii_lowercase();
        let ext = match ext.as_str() { "jpeg" => "jpg", "htm" => "html", "markdown" => "md", other => other };
        KINDS.iter().find(|row| row.2 == ext).map(|row| row.0)
    }
}

enum Magic { Kind(FileKind), Zip, Refuse(&'static str) }

/// Leading bytes that settle what a file is (WebP, with a gap in its signature, is checked apart).
const MAGIC: &[(&[u8], Magic)] = &[
    (b"%PDF-", Magic::Kind(FileKind::Pdf)),
    (b"\x89PNG\r\n\x1a\n", Magic::Kind(FileKind::Png)),
    (b"\xff\xd8\xff", Magic::Kind(FileKind::Jpeg)),
    (b"GIF87a", Magic::Kind(FileKind::Gif)),
    (b"GIF89a", Magic::Kind(FileKind::Gif)),
    (b"PK\x03\x04", Magic::Zip),
    (b"PK\x05\x06", Magic::Refuse(ARCHIVE)),
    (b"\x7fELF", Magic::Refuse(EXECUTABLE)),
    (b"MZ", Magic::Refuse(EXECUTABLE)),
    (b"\xfe\xed\xfa\xce", Magic::Refuse(EXECUTABLE)), // Mach-O, 32 and 64 bit, both byte orders, universal
    (b"\xfe\xed\xfa\xcf", Magic::Refuse(EXECUTABLE)),
    (b"\xce\xfa\xed\xfe", Magic::Refuse(EXECUTABLE)),
    (b"\xcf\xfa\xed\xfe", Magic::Refuse(EXECUTABLE)),
    (b"\xca\xfe\xba\xbe", Magic::Refuse(EXECUTABLE)),
    (b"#!", Magic::Refuse(EXECUTABLE)),
    (b"\x1f\x8b", Magic::Refuse(ARCHIVE)),
    (b"Rar!\x1a\x07", Magic::Refuse(ARCHIVE)),
    (b"7z\xbc\xaf\x27\x1c", Magic::Refuse(ARCHIVE)),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Magic::Refuse(LEGACY_OFFICE)),
];

/// Decide the kind from the bytes; the file name only tells Markdown, plain text and HTML apart.
///
/// Refuses, with a sentence for the uploader: empty files, programs (ELF, PE, Mach-O, "#!"
/// scripts), archives other than .docx/.xlsx/.pptx, macro-enabled and old binary Office files,
/// SVG, text that is not UTF-8, and text named as a PDF, Office file or image (a web page
/// dressed as a PDF above all).
pub fn sniff(bytes: &[u8], file_name: &str) -> Result<FileKind, String> {
    if bytes.is_empty() {
        return Err("The file is empty.".into());
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(FileKind::Webp);
    }
    match MAGIC.iter().find(|(prefix, _)| bytes.starts_with(prefix)).map(|(_, magic)| magic) {
        Some(Magic::Kind(kind)) => Ok(*kind),
        Some(Magic::Zip) => guarded(|| sniff_ooxml(bytes)),
        Some(Magic::Refuse(reason)) => Err((*reason).into()),
        None => sniff_text(bytes, file_name),
    }
}

/// OOXML files are zips told apart by their main part.
fn sniff_ooxml(bytes: &[u8]) -> Result<FileKind, String> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| ARCHIVE.to_owned())?;
    let has = |name: &str| archive.index_for_name(name).is_some();
    if archive.file_names_raw().any(|name| name.ends_with(b"vbaProject.bin")) {
        return Err(MACROS.into());
    }
    let main_parts = [("word/document.xml", FileKind::Docx), ("xl/workbook.xml", FileKind::Xlsx), ("ppt/presentation.xml", FileKind::Pptx)];
    match main_parts.into_iter().find(|(part, _)| has(part)) {
        Some((_, kind)) if has("[Content_Types].xml") => Ok(kind),
        _ => Err(ARCHIVE.into()),
    }
}

fn sniff_text(bytes: &[u8], file_name: &str) -> Result<FileKind, String> {
    // UTF-16 text is valid UTF-8 full of NULs, and nothing we index has NULs.
    let text = std::str::from_utf8(strip_bom(bytes)).ok().filter(|t| !t.contains('\0')).ok_or(NOT_TEXT)?;
    let head = head_of(text).trim_start().to_ascii_lowercase();
    if head.starts_with('<') && head.contains("<svg") {
        return Err(SVG.into());
    }
    let html = looks_like_html(&head);
    match FileKind::claimed_by(file_name) {
        // A web page dressed as a PDF or image is how a script sneaks past people.
        Some(claimed) if !claimed.is_text() && html => {
            Err(format!("The file is named as a {} but is really a web page (HTML), so it was refused.", claimed.label()))
        }
        Some(claimed) if !claimed.is_text() => Err(format!("The file is named as a {} but contains only text; it may be damaged.", claimed.label())),
        Some(claimed) => Ok(claimed),
        None if html => Ok(FileKind::Html),
        None => Ok(FileKind::PlainText),
    }
}

/// The tags a browser's own sniffer takes as HTML, plus a script anywhere in the head.
fn looks_like_html(head: &str) -> bool {
    const TAGS: &[&str] = &["!doctype html", "html", "head", "body", "script", "iframe", "h1", "div", "font", "table", "a", "style", "title", "b", "br", "p", "meta", "link", "img", "form", "object", "embed", "!--"];
    let starts_with_tag = head.strip_prefix('<').is_some_and(|rest| {
        TAGS.iter().any(|tag| rest.strip_prefix(tag).is_some_and(|after| after.is_empty() || after.starts_with([' ', '\t', '\n', '\r', '>', '/'])))
    });
    starts_with_tag || head.contains("<script") || head.contains("<html")
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
}

/// The first KB or so, cut on a char boundary.
fn head_of(text: &str) -> &str {
    &text[..floor_boundary(text, 1024)]
}

fn floor_boundary(text: &str, max: usize) -> usize {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Plain text for the search index, at most MAX_TEXT_BYTES: the text of every PDF page, Word
/// paragraphs, slide text, spreadsheet shared strings, a web page's visible text, Markdown and
/// plain text as they are, nothing for images. Never panics; refuses zip bombs.
pub fn extract_text(kind: FileKind, bytes: &[u8]) -> Result<String, String> {
    let mut text = match kind {
        FileKind::Pdf => guarded(|| pdf_text(bytes))?,
        FileKind::Docx | FileKind::Xlsx | FileKind::Pptx => guarded(|| ooxml_text(kind, bytes))?,
        FileKind::Html => html_text(utf8(bytes)?),
        FileKind::Markdown | FileKind::PlainText => utf8(bytes)?.to_owned(),
        FileKind::Png | FileKind::Jpeg | FileKind::Gif | FileKind::Webp => String::new(),
    };
    text.truncate(floor_boundary(&text, MAX_TEXT_BYTES));
    Ok(text)
}

/// Runs a parser of hostile input, turning a panic into a refusal.
fn guarded<T>(parse: impl FnOnce() -> Result<T, String> + UnwindSafe) -> Result<T, String> {
    catch_unwind(parse).unwrap_or_else(|_| Err("The file could not be read; it may be damaged.".into()))
}

fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(strip_bom(bytes)).map_err(|_| NOT_TEXT.to_owned())
}

fn pdf_text(bytes: &[u8]) -> Result<String, String> {
    let unreadable = |_| "The PDF could not be read; it may be damaged or password-protected.".to_owned();
    let options = lopdf::LoadOptions { max_decompressed_size: Some(PDF_STREAM_BYTES), ..Default::default() };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(unreadable)?;
    if doc.is_encrypted() {
        return Err("The PDF is password-protected; upload an unprotected copy.".into());
    }
    let started = Instant::now();
    let mut text = String::new();
    // Every page's content is inflated and measured before any is parsed:
    // parsing is what takes the memory and the time.
    let mut contents = Vec::new();
    let mut total = 0;
    for page in doc.get_pages().into_values() {
        let Ok(content) = doc.get_page_content_with_limit(page, PDF_STREAM_BYTES) else { continue };
        total += content.len();
        if content.len() > PDF_PAGE_CONTENT_BYTES || total > PDF_CONTENT_BYTES {
            return Err(PDF_TOO_COMPLEX.into());
        }
        contents.push((page, content));
    }
    for (page, content) in contents {
        // A page that will not decode costs its own text, not the whole file's.
        let _ = pdf_page_text(&doc, page, &content, &mut text);
        new_line(&mut text);
        if started.elapsed() > PDF_TIME_BUDGET {
            return Err(PDF_TOO_SLOW.into());
        }
        if text.len() > MAX_TEXT_BYTES {
            break;
        }
    }
    Ok(text)
}

/// One page's text. lopdf's own `extract_text` breaks lines only at ET, which
/// glues "cover" to "Orthodontic" when a generator moves down a line with Td or
/// Tm, and search then misses both words; so the walk over operators is ours.
fn pdf_page_text(doc: &lopdf::Document, page: lopdf::ObjectId, content: &[u8], out: &mut String) -> lopdf::Result<()> {
    let fonts = doc.get_page_fonts(page)?.into_iter();
    let encodings: BTreeMap<_, _> =
        fonts.filter_map(|(name, font)| Some((name, font.get_font_encoding_with_limit(doc, PDF_STREAM_BYTES).ok()?))).collect();
    let content = lopdf::content::Content::decode(content)?;
    let (mut encoding, mut line_y) = (None, None);
    for op in &content.operations {
        let number = |i: usize| op.operands.get(i).and_then(|n| n.as_float().ok());
        match op.operator.as_str() {
            "Tf" => encoding = op.operands.first().and_then(|n| n.as_name().ok()).and_then(|n| encodings.get(n)),
            "Tj" | "TJ" => show_text(encoding, &op.operands, out),
            "'" | "\"" => {
                new_line(out);
                show_text(encoding, op.operands.last().map(std::slice::from_ref).unwrap_or_default(), out);
            }
            "T*" => new_line(out),
            "Td" | "TD" if number(1).is_some_and(|dy| dy != 0.0) => new_line(out),
            "Td" | "TD" if !out.ends_with(char::is_whitespace) => out.push(' '),
            "Tm" if number(5) != line_y => {
                line_y = number(5);
                new_line(out);
            }
            _ => {}
        }
        if out.len() > MAX_TEXT_BYTES {
            break;
        }
    }
    Ok(())
}

/// Strings shown by Tj/TJ; a wide gap in a TJ array (over a tenth of an em) is a space.
fn show_text(encoding: Option<&lopdf::Encoding>, operands: &[lopdf::Object], out: &mut String) {
    let Some(encoding) = encoding else { return };
    let items = operands.iter().flat_map(|item| item.as_array().map_or(std::slice::from_ref(item), Vec::as_slice));
    for item in items {
        match item {
            lopdf::Object::String(bytes, _) => {
                let _ = encoding.write_to_string(bytes, out); // an undecodable run costs only itself
            }
            gap if gap.as_float().is_ok_and(|gap| gap < -100.0) => out.push(' '),
            _ => {}
        }
    }
}

fn new_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn ooxml_text(kind: FileKind, bytes: &[u8]) -> Result<String, String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| DAMAGED_OFFICE.to_owned())?;
    let parts: Vec<String> = match kind {
        FileKind::Docx => vec!["word/document.xml".into()],
        // Cell text lives in the shared strings; a sheet of numbers has none.
        FileKind::Xlsx => ["xl/sharedStrings.xml"].into_iter().filter(|n| archive.index_for_name(n).is_some()).map(str::to_owned).collect(),
        _ => slide_names(&archive),
    };
    let mut budget = MAX_UNZIPPED_BYTES;
    let mut text = String::new();
    for part in parts {
        let xml = read_entry(&mut archive, &part, &mut budget)?;
        xml_text(&xml, &mut text)?;
        if text.len() > MAX_TEXT_BYTES {
            break;
        }
    }
    Ok(text)
}

/// ppt/slides/slideN.xml in slide order (a plain sort would put 10 before 2).
fn slide_names<R: Read + Seek>(archive: &ZipArchive<R>) -> Vec<String> {
    let number = |name: &str| name.strip_prefix("ppt/slides/slide")?.strip_suffix(".xml")?.parse::<u32>().ok();
    let names = archive.file_names_raw().filter_map(|raw| std::str::from_utf8(raw).ok());
    let mut slides: Vec<(u32, String)> = names.filter_map(|n| Some((number(n)?, n.to_owned()))).collect();
    slides.sort();
    slides.into_iter().map(|(_, name)| name).collect()
}

/// Reads one entry, refusing bombs by their declared sizes up front; the zip
/// crate stops at the declared size, and `take` bounds the read even so.
fn read_entry<R: Read + Seek>(archive: &mut ZipArchive<R>, name: &str, budget: &mut u64) -> Result<String, String> {
    let entry = archive.by_name(name).map_err(|_| DAMAGED_OFFICE.to_owned())?;
    let allowed = entry.compressed_size().saturating_mul(MAX_RATIO).max(RATIO_FREE_BYTES).min(*budget);
    if entry.size() > allowed {
        return Err(BOMB.into());
    }
    let mut data = Vec::new();
    entry.take(allowed + 1).read_to_end(&mut data).map_err(|_| DAMAGED_OFFICE.to_owned())?;
    if data.len() as u64 > allowed {
        return Err(BOMB.into());
    }
    *budget -= data.len() as u64;
    String::from_utf8(data).map_err(|_| DAMAGED_OFFICE.to_owned())
}

/// The text runs of an OOXML part: <w:t> (Word), <a:t> (slides), <t> (shared strings).
fn xml_text(xml: &str, out: &mut String) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut in_run = false;
    while out.len() <= MAX_TEXT_BYTES {
        match reader.read_event().map_err(|_| DAMAGED_OFFICE.to_owned())? {
            Event::Start(tag) if tag.local_name().as_ref() == "t" => in_run = true,
            Event::End(tag) => match tag.local_name().as_ref() {
                "t" => in_run = false,
                "p" | "si" => out.push('\n'),
                _ => {}
            },
            Event::Empty(tag) => match tag.local_name().as_ref() {
                "tab" => out.push('\t'),
                "br" | "cr" => out.push('\n'),
                _ => {}
            },
            Event::Text(run) if in_run => out.push_str(&run.xml10_content()),
            Event::CData(run) if in_run => out.push_str(&run.xml10_content()),
            Event::GeneralRef(entity) if in_run => {
                let named = quick_xml::escape::resolve_predefined_entity(&entity).and_then(|s| s.chars().next());
                out.extend(entity.resolve_char_ref().ok().flatten().or(named));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// Visible text of a web page: a tolerant stripper, since uploads need not be well-formed.
fn html_text(html: &str) -> String {
    const HIDDEN: &[&str] = &["script", "style", "template", "noscript"];
    const BLOCKS: &[&str] = &["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title", "table", "section", "article", "header", "footer", "blockquote", "pre"];
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut out, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let closing = rest[1..].starts_with('/');
        let body = if closing { &rest[2..] } else { &rest[1..] };
        let name = body.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("").to_ascii_lowercase();
        if name.is_empty() && !body.starts_with(['!', '?']) {
            out.push('<'); // "a < b" is text, not a tag
            rest = &rest[1..];
            continue;
        }
        rest = rest.find('>').map_or("", |gt| &rest[gt + 1..]);
        if !closing && HIDDEN.contains(&name.as_str()) {
            rest = after_closing_tag(rest, &name);
        }
        if BLOCKS.contains(&name.as_str()) {
            out.push('\n');
        }
    }
    push_decoded(&mut out, rest);
    out.lines().map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|line| !line.is_empty()).collect::<Vec<_>>().join("\n")
}

/// What follows `</name ...>`, matched without regard to case; nothing if it never closes.
fn after_closing_tag<'a>(rest: &'a str, name: &str) -> &'a str {
    let closing = rest.match_indices("</").map(|(i, _)| i).find(|&i| {
        rest.as_bytes().get(i + 2..i + 2 + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    });
    closing.and_then(|i| rest[i..].find('>').map(|gt| &rest[i + gt + 1..])).unwrap_or("")
}

/// Appends text with the common HTML entities decoded; unknown ones stay as written.
fn push_decoded(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // Entity names are short: looking further would make "&&&&…" quadratic.
        let end = rest.bytes().skip(1).take(11).position(|b| b == b';');
        let entity = end.map(|end| (&rest[1..end + 1], end + 2));
        match entity.and_then(|(name, len)| Some((decode_entity(name)?, len))) {
            Some((ch, len)) => {
                out.push(ch);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn decode_entity(name: &str) -> Option<char> {
    let number = |digits: &str, radix| u32::from_str_radix(digits, radix).ok().and_then(char::from_u32);
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => match name.strip_prefix('#')? {
            hex if hex.starts_with(['x', 'X']) => number(&hex[1..], 16),
            dec => number(dec, 10),
        },
    }
}

/// A safe file name for Content-Disposition: the last path component, only letters, digits,
/// space, '.', '-' and '_', at most 100 chars, never empty, ending in the kind's own extension.
pub fn safe_file_name(original: &str, kind: FileKind) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = base.chars().filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_')).collect();
    let kept = kept.split_whitespace().collect::<Vec<_>>().join(" ");
    // Only a short run with a letter counts as an extension: "v1.2" keeps its ".2".
    let stem = match kept.rsplit_once('.') {
        Some((stem, ext)) if (1..=8).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()) && ext.chars().any(|c| c.is_ascii_alphabetic()) => stem,
        _ => kept.as_str(),
    };
    let ext = kind.extension();
    let stem: String = stem.trim_matches(['.', ' ', '-']).chars().take(100 - ext.len() - 1).collect();
    let stem = stem.trim_end_matches(['.', ' ']);
    format!("{}.{ext}", if stem.is_empty() { "attachment" } else { stem })
}

fn extension_of(file_name: &str) -> Option<&str> {
    let base = file_name.rsplit(['/', '\\']).next()?;
    base.rsplit_once('.').map(|(_, ext)| ext).filter(|ext| !ext.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use FileKind::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
    }

    fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const TYPES: &str = "<?xml version=\"1.0\"?><Types/>";

    #[test]
    fn kind_table_follows_the_enum() {
        for (index, row) in KINDS.iter().enumerate() {
            assert_eq!(row.0 as usize, index);
        }
        assert_eq!(Docx.mime(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        assert_eq!((Markdown.mime(), Jpeg.extension(), Pdf.label()), ("text/markdown; charset=utf-8", "jpg", "PDF"));
        assert!(Webp.is_image() && !Pdf.is_image() && !Html.is_image());
    }

    #[test]
    fn magic_numbers_decide_the_kind_whatever_the_name() {
        let cases: [(&[u8], FileKind); 5] = [
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Png),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", Jpeg),
            (b"GIF89a\x01\0\x01\0", Gif),
            (b"RIFF\x24\0\0\0WEBPVP8 ", Webp),
            (b"%PDF-1.7\n", Pdf),
        ];
        for (bytes, kind) in cases {
            assert_eq!(sniff(bytes, "picture.html"), Ok(kind));
        }
        assert_eq!(sniff(&fixture("benefits-guide.pdf"), "guide.pdf"), Ok(Pdf));
        assert_eq!(sniff(&fixture("leave-policy.docx"), "renamed.txt"), Ok(Docx));
        let xlsx = zip_of(&[("[Content_Types].xml", TYPES), ("xl/workbook.xml", "<workbook/>")]);
        assert_eq!(sniff(&xlsx, "budget.xlsx"), Ok(Xlsx));
        let pptx = zip_of(&[("[Content_Types].xml", TYPES), ("ppt/presentation.xml", "<p/>")]);
        assert_eq!(sniff(&pptx, "deck.pptx"), Ok(Pptx));
    }

    #[test]
    fn programs_archives_and_unknown_bytes_are_refused() {
        let cases: [(&[u8], &str); 14] = [
            (b"", "empty"),
            (b"\x7fELF\x02\x01\x01\0", "Programs"),
            (b"MZ\x90\0\x03\0\0\0", "Programs"),
            (b"\xcf\xfa\xed\xfe\x07\0\0\x01", "Programs"),
            (b"#!/bin/sh\nrm -rf /\n", "Programs"),
            (b"\x1f\x8b\x08\0\0\0\0\0", "Archives"),
            (b"Rar!\x1a\x07\x01\0", "Archives"),
            (b"7z\xbc\xaf\x27\x1c\0\x04", "Archives"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", ".docx"),
            (b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "SVG"),
            (b"<?xml version=\"1.0\"?>\n<!-- logo -->\n<svg></svg>", "SVG"),
            (b"caf\xe9 au lait", "UTF-8"),
            (b"h\0e\0l\0l\0o\0", "UTF-8"),
            (b"\0\x01\x02\x03\xff", "UTF-8"),
        ];
        for (bytes, needle) in cases {
            let err = sniff(bytes, "upload.bin").unwrap_err();
            assert!(err.contains(needle), "{bytes:?}: {err}");
        }
        let plain_zip = zip_of(&[("notes.txt", "hello")]);
        assert!(sniff(&plain_zip, "notes.zip").unwrap_err().contains("Archives"));
        let docm = zip_of(&[("[Content_Types].xml", TYPES), ("word/document.xml", "<w/>"), ("word/vbaProject.bin", "x")]);
        assert!(sniff(&docm, "evil.docx").unwrap_err().contains("macros"));
    }

    #[test]
    fn html_named_as_a_pdf_is_refused() {
        let err = sniff(&fixture("not-really.pdf"), "not-really.pdf").unwrap_err();
        assert!(err.contains("web page"), "{err}");
        assert!(sniff(b"<p>hi</p>", "photo.PNG").unwrap_err().contains("web page"));
        assert!(sniff(b"just some words", "scan.jpeg").is_err());
    }

    #[test]
    fn the_name_only_tells_text_kinds_apart() {
        assert_eq!(sniff(b"# Leave\n\nFive days.", "leave.md"), Ok(Markdown));
        assert_eq!(sniff(b"<!-- draft -->\n# Leave", "leave.markdown"), Ok(Markdown));
        assert_eq!(sniff(b"Hello", "page.htm"), Ok(Html));
        assert_eq!(sniff(b"\xef\xbb\xbf  <!DOCTYPE html><title>x</title>", "page"), Ok(Html));
        assert_eq!(sniff(b"<p>not served as a page</p>", "notes.txt"), Ok(PlainText));
        assert_eq!(sniff("Caf\u{e9} menu".as_bytes(), "menu"), Ok(PlainText));
        assert_eq!(sniff(b"a <b> c", "notes.csv"), Ok(PlainText));
    }

    #[test]
    fn pdf_text_covers_every_page() {
        let text = extract_text(Pdf, &fixture("benefits-guide.pdf")).unwrap();
        assert!(text.contains("Dental Benefits Guide 2027"), "{text}");
        assert!(text.contains("Family cover\nOrthodontic treatment for dependents is covered at fifty percent.\n"), "{text}");
    }

    /// A one-page PDF around a content stream, built the way generators write them.
    fn pdf_with(content: &str) -> Vec<u8> {
        use lopdf::{dictionary, Document, Object, Stream};
        let mut doc = Document::with_version("1.5");
        let pages = doc.new_object_id();
        let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
        let contents = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        let resources = dictionary! { "Font" => dictionary! { "F1" => font } };
        let page = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages, "Contents" => contents, "Resources" => resources });
        doc.objects.insert(pages, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }));
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn pdf_line_moves_and_wide_gaps_separate_words() {
        let pdf = pdf_with("BT /F1 12 Tf 72 700 Td (Family cover) Tj 0 -14 Td [(Ortho)-20(dontic)-300.5(care)] TJ (.) ' ET");
        assert_eq!(extract_text(Pdf, &pdf).unwrap(), "Family cover\nOrthodontic care\n.\n");
    }

    /// A PDF of `pages` pages sharing one compressed content stream.
    fn pdf_of(pages: usize, content: Vec<u8>) -> Vec<u8> {
        use lopdf::{dictionary, Document, Object, Stream};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let mut stream = Stream::new(dictionary! {}, content);
        stream.compress().unwrap();
        let contents = doc.add_object(stream);
        let kids: Vec<Object> = (0..pages).map(|_| doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => contents }).into()).collect();
        doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => pages as i64 }));
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn pdfs_of_millions_of_drawing_operators_are_refused_before_parsing() {
        for pdf in [pdf_of(1, b"0 0 m\n".repeat(2_500_000)), pdf_of(400, b"0 0 m\n".repeat(170_000))] {
            assert!(pdf.len() < 64 * 1024, "{}", pdf.len());
            let started = Instant::now();
            assert!(extract_text(Pdf, &pdf).unwrap_err().contains("drawing instructions"));
            assert!(started.elapsed() < Duration::from_secs(10));
        }
        assert_eq!(extract_text(Pdf, &pdf_of(3, b"0 0 m\n".repeat(1000))).unwrap(), "");
    }

    #[test]
    fn broken_pdfs_are_refused_without_panicking() {
        let pdf = fixture("benefits-guide.pdf");
        for cut in [6, 100, pdf.len() / 2, pdf.len() - 30] {
            let _ = extract_text(Pdf, &pdf[..cut]);
        }
        assert!(extract_text(Pdf, b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF").is_err());
    }

    #[test]
    fn office_text_is_extracted_in_order() {
        let text = extract_text(Docx, &fixture("leave-policy.docx")).unwrap();
        assert!(text.contains("Bereavement leave is five working days.\n"), "{text}");
        assert!(text.contains("Parental & adoption leave:\tsixteen weeks."), "{text}");
        let slide = |words: &str| format!("<p:sld xmlns:a=\"a\" xmlns:p=\"p\"><a:p><a:r><a:t>{words}</a:t></a:r></a:p></p:sld>");
        let (one, two, ten) = (slide("Welcome"), slide("Benefits &amp; perks"), slide("Questions"));
        let pptx = zip_of(&[("ppt/slides/slide10.xml", &ten), ("ppt/slides/slide2.xml", &two), ("ppt/slides/slide1.xml", &one)]);
        assert_eq!(extract_text(Pptx, &pptx).unwrap(), "Welcome\nBenefits & perks\nQuestions\n");
        let strings = "<sst><si><t>Team</t></si><si><r><t>Head</t></r><r><t>count</t></r></si></sst>";
        let xlsx = zip_of(&[("xl/sharedStrings.xml", strings)]);
        assert_eq!(extract_text(Xlsx, &xlsx).unwrap(), "Team\nHeadcount\n");
        assert_eq!(extract_text(Xlsx, &zip_of(&[("xl/workbook.xml", "<w/>")])).unwrap(), "");
    }

    #[test]
    fn zip_bombs_are_refused() {
        // 16 MiB of zeros deflates to about 16 KB: 1000:1, streamed so the test stays fast.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("[Content_Types].xml", options).unwrap();
        zip.write_all(TYPES.as_bytes()).unwrap();
        zip.start_file("word/document.xml", options).unwrap();
        for _ in 0..256 {
            zip.write_all(&[0; 64 * 1024]).unwrap();
        }
        let bomb = zip.finish().unwrap().into_inner();
        assert!(bomb.len() < 100_000, "{}", bomb.len());
        assert_eq!(sniff(&bomb, "bomb.docx"), Ok(Docx));
        assert!(extract_text(Docx, &bomb).unwrap_err().contains("unpacks"));
        // Headers that understate the size do not help: reading stops at the claim.
        let mut liar = bomb.clone();
        for (signature, name_at, size_at) in [(b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)] {
            let is_entry = |i: usize| liar[i..].starts_with(signature) && liar[i + name_at..].starts_with(b"word/document.xml");
            let start = (0..liar.len()).find(|&i| is_entry(i)).unwrap();
            liar[start + size_at..start + size_at + 4].copy_from_slice(&1000u32.to_le_bytes());
        }
        assert!(extract_text(Docx, &liar).is_err());
    }

    #[test]
    fn html_text_is_the_visible_text() {
        let html = "<html><head><title>Perks</title><style>p{color:red}</style></head><body>\
            <SCRIPT type=module>alert('secret')</script ><p>Fish &amp; chips &lt;3 &#8364;5 &#x41;&nbsp;B &bogus; a < b</p>\
            <!-- hidden note --><p>Bye</p></body></html>";
        let text = extract_text(Html, html.as_bytes()).unwrap();
        assert_eq!(text, "Perks\nFish & chips <3 \u{20ac}5 A B &bogus; a < b\nBye");
        let text = extract_text(Html, &fixture("not-really.pdf")).unwrap();
        assert_eq!(text, "hi");
        assert_eq!(extract_text(Html, b"<p>unclosed <script>alert(1)").unwrap(), "unclosed");
        // Stays linear on hostile input: a million ampersands or open tags.
        assert_eq!(extract_text(Html, "&".repeat(1_000_000).as_bytes()).unwrap().len(), 1_000_000);
        assert_eq!(extract_text(Html, "<a <b".repeat(200_000).as_bytes()).unwrap(), "");
    }

    #[test]
    fn text_is_capped_on_a_char_boundary() {
        let long = format!("a{}", "\u{e9}".repeat(MAX_TEXT_BYTES));
        let text = extract_text(PlainText, long.as_bytes()).unwrap();
        assert_eq!(text.len(), MAX_TEXT_BYTES - 1);
        assert_eq!(extract_text(Markdown, b"# Title\n<b>kept</b>").unwrap(), "# Title\n<b>kept</b>");
        assert_eq!(extract_text(Png, b"\x89PNG\r\n\x1a\n").unwrap(), "");
    }

    #[test]
    fn safe_file_names() {
        let cases = [
            ("../../etc/passwd", PlainText, "passwd.txt"),
            ("C:\\Users\\ann\\Q&A <draft>.PDF", Pdf, "QA draft.pdf"),
            ("r\u{e9}sum\u{e9} (final).docx", Docx, "r\u{e9}sum\u{e9} final.docx"),
            ("photo.jpeg", Jpeg, "photo.jpg"),
            ("invoice.pdf.exe", Pdf, "invoice.pdf.pdf"),
            ("notes.markdown", Markdown, "notes.md"),
            ("v1.2", PlainText, "v1.2.txt"),
            ("\"quoted\"\r\nname.html", Html, "quotedname.html"),
            (".bashrc", PlainText, "attachment.txt"),
            ("", Png, "attachment.png"),
            ("../", Pdf, "attachment.pdf"),
            ("*?<>|.docx", Docx, "attachment.docx"),
            ("invoice\u{202e}fdp.exe", Pdf, "invoicefdp.pdf"),
        ];
        for (original, kind, expected) in cases {
            assert_eq!(safe_file_name(original, kind), expected, "{original:?}");
        }
        let long = safe_file_name(&format!("{}.pdf", "\u{e9}".repeat(300)), Pdf);
        assert_eq!(long.chars().count(), 100);
        assert!(long.ends_with("\u{e9}.pdf"));
    }
}
