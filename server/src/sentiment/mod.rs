//! Offline sentiment scoring for employee comments.
//!
//! A lexicon-and-rules scorer in the spirit of VADER (Hutto & Gilbert, 2014), written
//! from scratch for Herald (its own word list, code and constants):
//!
//! * `lexicon.rs`: about 3,300 words, idioms, emoticons and emoji with a valence on a
//!   -4..4 scale, including workplace terms (layoffs, raise, understaffed, "coverage ends").
//! * `inflect.rs`: unlisted inflected words take their stem's valence.
//! * `rules.rs`: negation, boosters and dampeners, ALL-CAPS and stretched-word emphasis,
//!   "but"/"however" contrast, questions, exclamation and question marks.
//! * `context.rs`: removal verbs ("cut the bonus" is bad, "cut the red tape" good), irony
//!   ("great, another reorg", "Classy." after a complaint), "the old plan was better".
//!
//! The adjusted valences are summed and squashed into [-1, 1] with `x / sqrt(x² + 15)`.
//! No network and no model files; the only dependency beyond `std` is a faster hash for
//! the lexicon (`rustc-hash`). `batch.rs` scores many texts on every core for
//! `herald sentiment`. `bench/sentiment/` compares it with VADER on human-rated sentences.

mod batch;
mod context;
mod inflect;
mod lexicon;
mod rules;

use std::fmt;

pub use batch::score_lines;

/// Normalisation constant of the compound score: `x / sqrt(x² + ALPHA)`.
const ALPHA: f64 = 15.0;
/// Compound scores at or above this are labelled positive.
pub const POSITIVE_THRESHOLD: f64 = 0.15;
/// Compound scores at or below this are labelled negative.
pub const NEGATIVE_THRESHOLD: f64 = -0.15;

/// Coarse polarity of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    /// Compound score at or below [`NEGATIVE_THRESHOLD`].
    Negative,
    /// Compound score strictly between the two thresholds.
    Neutral,
    /// Compound score at or above [`POSITIVE_THRESHOLD`].
    Positive,
}

impl Label {
    /// Lower-case name used in JSON and in the database: `negative`, `neutral`, `positive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Negative => "negative",
            Label::Neutral => "neutral",
            Label::Positive => "positive",
        }
    }

    /// Label for a compound score, using the module's thresholds.
    pub fn from_compound(compound: f64) -> Label {
        if compound >= POSITIVE_THRESHOLD {
            Label::Positive
        } else if compound <= NEGATIVE_THRESHOLD {
            Label::Negative
        } else {
            Label::Neutral
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sentiment of one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentiment {
    /// Overall polarity and intensity in [-1, 1]; 0 means no sentiment found.
    pub compound: f64,
    /// Label derived from `compound`.
    pub label: Label,
}

/// Scores `text` (any length, any language; only English words carry valence).
///
/// Never panics. Allocates a few buffers proportional to the text, nothing per word.
pub fn score(text: &str) -> Sentiment {
    let doc = Doc::parse(text);
    let sum = rules::total_valence(&doc);
    let compound = normalise(sum);
    Sentiment {
        compound,
        label: Label::from_compound(compound),
    }
}

/// Whether a lower-cased word expresses a feeling (or negates or strengthens one) rather
/// than naming a subject; trend reports keep such words out of their key phrases.
pub fn is_feeling_word(word: &str) -> bool {
    lexicon::is_feeling_word(word)
}

/// Debugging aid: the text's tokens with their final valences, the raw sum and the
/// compound score, e.g. `"not[...] good[-1.33] => -1.33 -> -0.325"`.
pub fn explain(text: &str) -> String {
    let doc = Doc::parse(text);
    let (vals, total) = rules::token_valences(&doc);
    let mut out = String::new();
    for (i, v) in vals.iter().enumerate() {
        out.push_str(doc.word(i));
        if *v != 0.0 {
            out.push_str(&format!("[{v:+.2}]"));
        }
        out.push(' ');
    }
    out.push_str(&format!("=> {total:+.2} -> {:+.3}", normalise(total)));
    out
}

/// Squashes an unbounded valence sum into [-1, 1].
fn normalise(sum: f64) -> f64 {
    if sum == 0.0 || !sum.is_finite() {
        return 0.0;
    }
    (sum / (sum * sum + ALPHA).sqrt()).clamp(-1.0, 1.0)
}

/// One word, emoticon or emoji of the input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    /// Byte range of the lower-cased form in [`Doc::lower`].
    start: usize,
    end: usize,
    /// Written in capitals (at least three letters, no lower-case letter).
    pub caps: bool,
    /// Index of the sentence the token belongs to.
    pub sentence: usize,
    /// A comma, semicolon, colon or dash directly follows the token.
    pub clause_end: bool,
    /// Whether this token is an emoji or emoticon (never negated or boosted as a word).
    pub symbol: bool,
    /// A letter is repeated three or more times for emphasis ("sooo", "loooove").
    pub stretched: bool,
}

/// Per-sentence facts gathered while tokenising.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SentenceInfo {
    /// The sentence ends with a question mark.
    pub question: bool,
    /// Exclamation marks inside or closing the sentence.
    pub exclamations: u32,
    /// Question marks inside or closing the sentence.
    pub questions: u32,
}

/// Tokenised text: a single lower-cased buffer plus token ranges into it.
pub(crate) struct Doc {
    lower: String,
    /// Lexicon facts of every token (valence, idioms, negator, booster, cue), looked up once:
    /// the rules consult a word's neighbours many times.
    lexical: Vec<lexicon::Lexical>,
    pub tokens: Vec<Token>,
    pub sentences: Vec<SentenceInfo>,
    /// Capitalised tokens mean emphasis (they stand out, or the text is a short shout).
    pub mixed_caps: bool,
}

impl Doc {
    /// Lexicon valence of token `i` before any rule; 0 when unlisted or out of range.
    pub fn lexical(&self, i: usize) -> f64 {
        self.facts(i).valence
    }

    /// What the lexicon says of token `i` (nothing when out of range).
    pub(crate) fn facts(&self, i: usize) -> &lexicon::Lexical {
        self.lexical.get(i).unwrap_or(&lexicon::Lexical::NONE)
    }

    /// Lower-cased text of token `i`; empty when out of range.
    pub fn word(&self, i: usize) -> &str {
        match self.tokens.get(i) {
            Some(t) => self.lower.get(t.start..t.end).unwrap_or(""),
            None => "",
        }
    }

    fn parse(text: &str) -> Doc {
        let mut doc = Doc {
            lower: String::with_capacity(text.len()),
            lexical: Vec::new(),
            tokens: Vec::with_capacity(text.len() / 5 + 1),
            sentences: vec![SentenceInfo::default()],
            mixed_caps: false,
        };
        let (mut any_caps, mut any_lower_word) = (false, false);
        if text.is_ascii() {
            for chunk in text.split_ascii_whitespace() {
                doc.push_chunk(chunk, &mut any_caps, &mut any_lower_word);
            }
        } else {
            for chunk in text.split_whitespace() {
                doc.push_chunk(chunk, &mut any_caps, &mut any_lower_word);
            }
        }
        // Capitals are emphasis when they stand out from lower-case words, or in a short
        // shout ("GREAT!"); a long text in capitals is just written with caps lock.
        let words = doc.tokens.iter().filter(|t| !t.symbol).count();
        doc.mixed_caps = any_caps && (any_lower_word || words <= 3);
        doc.lexical = (0..doc.tokens.len())
            .map(|i| lexicon::lookup(doc.word(i)))
            .collect();
        doc
    }

    fn sentence_idx(&self) -> usize {
        self.sentences.len().saturating_sub(1)
    }

    /// Splits one whitespace-separated chunk into word and emoji tokens.
    fn push_chunk(&mut self, chunk: &str, any_caps: &mut bool, any_lower_word: &mut bool) {
        // Most chunks are a plain word, perhaps closing a clause or sentence ("good,").
        let bytes = chunk.as_bytes();
        let word_len = bytes.iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(bytes.len());
        if word_len > 0 && bytes[word_len..].iter().all(|b| matches!(b, b'.' | b',' | b'!' | b'?')) {
            self.push_word(&chunk[..word_len], any_caps, any_lower_word);
            for &b in &bytes[word_len..] {
                self.punctuation(char::from(b));
            }
            return;
        }
        // Text that went through an HTML form may arrive escaped ("&lt;3", "AT&amp;T").
        if chunk.contains('&') && chunk.contains(';') {
            let decoded = decode_entities(chunk);
            if decoded != chunk {
                return self.push_chunk(&decoded, any_caps, any_lower_word);
            }
        }
        // Whole-chunk emoticons such as ":-)" or "<3" (case matters for ":D" vs ":d"),
        // possibly followed by sentence punctuation (":-).").
        let bare = chunk.trim_end_matches(['.', ',', '!', '?']);
        if lexicon::is_emoticon(bare) {
            self.push_symbol(bare);
            for ch in chunk[bare.len()..].chars() {
                self.punctuation(ch);
            }
            return;
        }
        let mut word_start: Option<usize> = None;
        let mut prev = ' ';
        let mut iter = chunk.char_indices().peekable();
        while let Some((idx, ch)) = iter.next() {
            let next = iter.peek().map_or(' ', |&(_, n)| n);
            // Apostrophes, hyphens and "&" join words ("don't", "self-care", "Q&A");
            // "." and "," join digits ("1.5%", "10,000").
            let joiner = matches!(ch, '\'' | '\u{2019}' | '-' | '&' | '_')
                && word_start.is_some()
                && next.is_alphanumeric();
            let numeric = matches!(ch, '.' | ',') && prev.is_ascii_digit() && next.is_ascii_digit();
            prev = ch;
            let is_word_char = ch.is_alphanumeric() || joiner || numeric;
            if is_word_char {
                if word_start.is_none() {
                    word_start = Some(idx);
                }
                continue;
            }
            if let Some(ws) = word_start.take() {
                self.push_word(&chunk[ws..idx], any_caps, any_lower_word);
            }
            if lexicon::is_emoji_char(ch) {
                let mut buf = [0u8; 4];
                self.push_symbol(ch.encode_utf8(&mut buf));
            } else {
                self.punctuation(ch);
            }
        }
        if let Some(ws) = word_start {
            self.push_word(&chunk[ws..], any_caps, any_lower_word);
        }
    }

    /// Records a punctuation mark after the last token.
    fn punctuation(&mut self, ch: char) {
        let s = self.sentence_idx();
        let open_has_tokens = self.tokens.last().is_some_and(|t| t.sentence == s);
        match ch {
            '!' | '?' | '.' | '…' => {
                // Marks after an already closed sentence ("great!!!", "why?!") belong to it.
                let target = if open_has_tokens || s == 0 { s } else { s - 1 };
                if let Some(info) = self.sentences.get_mut(target) {
                    match ch {
                        '!' => info.exclamations += 1,
                        '?' => {
                            info.questions += 1;
                            info.question = true;
                        }
                        _ => {}
                    }
                }
                if open_has_tokens {
                    if let Some(t) = self.tokens.last_mut() {
                        t.clause_end = true;
                    }
                    self.sentences.push(SentenceInfo::default());
                }
            }
            ',' | ';' | ':' | '-' | '–' | '—' | '(' | ')' | '/' => {
                if let Some(t) = self.tokens.last_mut() {
                    if t.sentence == s {
                        t.clause_end = true;
                    }
                }
            }
            _ => {}
        }
    }

    fn push_symbol(&mut self, sym: &str) {
        let start = self.lower.len();
        self.lower.push_str(sym);
        let end = self.lower.len();
        let sentence = self.sentence_idx();
        self.tokens.push(Token {
            start,
            end,
            caps: false,
            sentence,
            clause_end: false,
            symbol: true,
            stretched: false,
        });
    }

    fn push_word(&mut self, word: &str, any_caps: &mut bool, any_lower_word: &mut bool) {
        let start = self.lower.len();
        let shape = if word.is_ascii() {
            self.lower.push_str(word);
            self.lower[start..].make_ascii_lowercase();
            WordShape::of_ascii(word.as_bytes())
        } else {
            self.push_lower_unicode(word)
        };
        let WordShape { upper, lower, stretched } = shape;
        // Two-letter capitals are mostly acronyms (HR, IT, OK), not shouting.
        let caps = upper >= 3 && lower == 0;
        if caps {
            *any_caps = true;
        } else if lower > 0 {
            *any_lower_word = true;
        }
        let end = self.lower.len();
        let sentence = self.sentence_idx();
        self.tokens.push(Token {
            start,
            end,
            caps,
            sentence,
            clause_end: false,
            symbol: false,
            stretched,
        });
    }
}

/// Letter case and emphasis of one word.
#[derive(Default)]
struct WordShape {
    upper: usize,
    lower: usize,
    /// A letter repeated three or more times in a row.
    stretched: bool,
}

impl WordShape {
    /// The common case, a byte at a time.
    fn of_ascii(word: &[u8]) -> WordShape {
        let mut shape = WordShape::default();
        let (mut run, mut last) = (0u32, 0u8);
        for &b in word {
            run = if b == last { run + 1 } else { 1 };
            last = b;
            shape.stretched |= run >= 3 && b.is_ascii_alphabetic();
            shape.upper += usize::from(b.is_ascii_uppercase());
            shape.lower += usize::from(b.is_ascii_lowercase());
        }
        shape
    }
}

impl Doc {
    /// Appends the lower-cased form of a non-ASCII word and returns its shape.
    fn push_lower_unicode(&mut self, word: &str) -> WordShape {
        let mut shape = WordShape::default();
        let (mut run, mut last) = (0u32, '\0');
        for ch in word.chars() {
            run = if ch == last { run + 1 } else { 1 };
            last = ch;
            shape.stretched |= run >= 3 && ch.is_alphabetic();
            if ch.is_uppercase() {
                shape.upper += 1;
            } else if ch.is_lowercase() {
                shape.lower += 1;
            }
            // Curly apostrophes are folded so "don’t" matches "don't".
            if ch == '\u{2019}' {
                self.lower.push('\'');
            } else {
                self.lower.extend(ch.to_lowercase());
            }
        }
        shape
    }
}

/// Decodes the few HTML entities that matter for sentiment and word splitting.
fn decode_entities(chunk: &str) -> String {
    chunk
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests;
