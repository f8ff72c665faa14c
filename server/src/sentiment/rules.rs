//! Rules that turn word valences into a text valence: negation, boosters and dampeners,
//! ALL-CAPS and stretched-word emphasis, "but"/"however" contrast, questions and
//! punctuation. Workplace-specific context rules live in [`super::context`].
//!
//! The constants are this module's own estimates on the -4..4 valence scale.

use super::context::{breaks_object, irony, is_determiner, is_removal, nostalgia, Cue};
use super::lexicon;
use super::Doc;

/// Multiplier for a negated word: flips it and takes off some strength ("not good" is
/// less negative than "bad" is).
const NEGATION: f64 = -0.7;
/// Strength added by a booster directly before a word ("very good"); dampeners subtract it.
const BOOST: f64 = 0.3;
/// Extra strength of a word with a letter stretched for emphasis ("sooo good").
const STRETCH: f64 = 0.4;
/// Extra strength of a word written in capitals among lower-case words ("GREAT").
const CAPS: f64 = 0.7;
/// "but": the clause before counts less, the clause after counts more.
const BEFORE_BUT: f64 = 0.5;
const AFTER_BUT: f64 = 1.4;
/// Emphasis per exclamation mark (at most four count).
const EXCLAMATION: f64 = 0.25;
/// Emphasis per question mark when there is more than one ("really??").
const QUESTION_MARK: f64 = 0.15;
/// Questions ask rather than judge, so their words count less.
const QUESTION_DAMP: f64 = 0.2;
/// How many words back negators and boosters reach.
const REACH: usize = 3;

/// Degree words that strengthen the word after them ("very good").
#[rustfmt::skip]
const BOOSTERS: &[&str] = &[
    "absolutely", "amazingly", "awfully", "completely", "considerably", "decidedly", "deeply",
    "enormously", "entirely", "especially", "exceptionally", "extremely", "fully", "greatly",
    "highly", "hugely", "incredibly", "intensely", "majorly", "particularly", "purely",
    "really", "remarkably", "so", "soo", "sooo", "substantially", "thoroughly", "totally",
    "tremendously", "truly", "utterly", "very", "super", "insanely", "ridiculously",
    "unbelievably", "terribly", "seriously", "genuinely", "immensely", "exceedingly", "wildly",
    "massively", "freaking", "frickin", "fricking", "damn", "darn", "bloody", "hella", "mega",
    "uber", "too", "such", "most", "much", "way", "sooooo", "soooo", "real", "crazy",
    "profoundly", "strikingly", "exceptional", "fucking", "effing", "veeery", "veery",
    "mighty", "dead", "beyond", "ever", "certainly", "definitely", "downright", "overly",
];

/// Degree words that strengthen a little ("quite good").
const MILD_BOOSTERS: &[&str] = &["more", "quite", "pretty", "fairly", "rather", "even", "far", "all"];

/// Degree words that weaken the word after them ("slightly annoying").
#[rustfmt::skip]
const DAMPENERS: &[&str] = &[
    "almost", "barely", "kinda", "kindof", "less", "little", "marginally", "occasionally",
    "partly", "scarcely", "slightly", "somewhat", "sorta", "sortof", "mildly", "moderately",
    "relatively", "reasonably", "bit", "mostly", "nearly", "sometimes", "semi", "possibly",
    "maybe", "perhaps", "probably", "arguably", "supposedly", "allegedly", "seemingly",
];

/// Degree words with their strength (positive boosts, negative dampens); a word listed
/// twice keeps its first strength.
pub(crate) fn degree_words() -> impl Iterator<Item = (&'static str, f64)> {
    let strengths = [(BOOSTERS, BOOST), (MILD_BOOSTERS, BOOST * 0.6), (DAMPENERS, -BOOST)];
    strengths
        .into_iter()
        .flat_map(|(words, strength)| words.iter().map(move |w| (*w, strength)))
}

/// Words that flip the polarity of what follows (with any word ending in "n't").
#[rustfmt::skip]
pub(crate) const NEGATORS: &[&str] = &[
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere", "without",
    "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont",
    "wouldnt", "shouldnt", "couldnt", "hasnt", "havent", "hadnt", "mustnt", "aint", "neednt",
    "nope", "nah", "rarely", "seldom", "hardly", "lack", "lacks", "lacked", "lacking", "noone",
    "nt", "n't", "instead", "neva", "nvr",
];

/// "isn't", "wouldn't": negations however they are spelled.
pub(crate) fn is_contracted_negation(word: &str) -> bool {
    word.ends_with("n't")
}

/// Words after which "like" is a verb ("I like it"), not a preposition ("looks like rain").
#[rustfmt::skip]
fn like_is_verb(prev: &str) -> bool {
    matches!(
        prev,
        "i" | "we" | "you" | "they" | "really" | "do" | "would" | "i'd" | "we'd" | "also"
        | "still" | "definitely" | "totally" | "actually" | "truly" | "just" | "people"
        | "everyone" | "everybody" | "u" | "ya" | "to" | "dont" | "didnt" | "don't" | "didn't"
        | "doesn't" | "doesnt" | "who" | "kids" | "guys" | "folks" | "will" | "you'll" | "i'll"
        | "we'll" | "they'll" | "might" | "may" | "gonna" | "should" | "could" | "wouldn't"
        | "won't" | "you'd" | "they'd"
    )
}

/// Valence of token `i` before context rules, with the number of extra tokens it used.
fn base_valence(doc: &Doc, i: usize) -> (f64, usize) {
    if let Some((len, v)) = lexicon::phrase_at(doc, i) {
        return (v, len - 1);
    }
    let w = doc.word(i);
    if doc.facts(i).negator {
        // A bare "No." / "nope" with nothing to negate is itself a refusal.
        let bare_refusal = matches!(w, "no" | "nope" | "nah")
            && !(1..=REACH).any(|d| {
                let j = i + d;
                doc.tokens
                    .get(j)
                    .is_some_and(|t| t.sentence == doc.tokens[i].sentence)
                    && !doc.tokens[j - 1].clause_end
                    && doc.lexical(j) != 0.0
            });
        return (if bare_refusal { -0.8 } else { 0.0 }, 0);
    }
    if doc.facts(i).booster.is_some() {
        // "pretty horses": a degree word with nothing to modify keeps its own meaning.
        let next = doc.word(i + 1);
        // "damn damn damn": a repeated word is not modifying itself.
        let modifies = next != w
            && (doc.lexical(i + 1) != 0.0 || doc.facts(i + 1).booster.is_some());
        let v = if modifies { 0.0 } else { doc.lexical(i) };
        return (v, 0);
    }
    let v = match w {
        "like" | "likes" | "liked" => {
            if i > 0 && like_is_verb(doc.word(i - 1)) {
                doc.lexical(i)
            } else {
                0.0
            }
        }
        // "kind of", "sort of": hedges, not kindness.
        "kind" | "sort" if doc.word(i + 1) == "of" => 0.0,
        // "guilt free": the "free" belongs to the word before, which it reverses.
        "free" if i > 0 && doc.lexical(i - 1) < 0.0 => 0.0,
        _ => doc.lexical(i),
    };
    if v < 0.0 && doc.word(i + 1) == "free" {
        return (-0.8 * v, 0);
    }
    (v, 0)
}

/// Whether a multi-word dampener ("kind of", "a bit", "a little") ends at `j`.
fn multiword_dampener(doc: &Doc, j: usize) -> bool {
    let w = doc.word(j);
    let prev = if j > 0 { doc.word(j - 1) } else { "" };
    (w == "of" && matches!(prev, "kind" | "sort")) || (matches!(w, "bit" | "little") && prev == "a")
}

/// Applies caps, boosters and negation to the valence `v` of token `i`. Also returns the
/// removal verb that turned a bad thing good ("cut the red tape"): its own valence must go.
fn modify(doc: &Doc, in_phrase: &[bool], i: usize, mut v: f64) -> (f64, Option<usize>) {
    let tok = doc.tokens[i];
    let sign = v.signum();
    if tok.caps && doc.mixed_caps {
        v += sign * CAPS;
    }
    if tok.stretched {
        v += sign * STRETCH; // "sooo goood"
    }
    if tok.symbol {
        return (v, None); // Emoji state the writer's feeling; they are not negated or boosted.
    }
    let mut negations = 0;
    let mut removal = None;
    let mut object_run = true; // only determiners/adjectives so far between verb and word
    for d in 1..=REACH {
        let Some(j) = i.checked_sub(d) else { break };
        let t = doc.tokens[j];
        // Negation and boosting do not cross sentence or clause boundaries.
        if t.sentence != tok.sentence || t.clause_end || t.symbol || doc.word(j) == "but" {
            break;
        }
        let w = doc.word(j);
        if in_phrase[j] {
            break; // words inside an idiom ("can't believe") modify nothing else
        }
        if breaks_object(w) {
            object_run = false;
        }
        let decay = 1.0 - 0.05 * (d - 1) as f64;
        if let Some(b) = doc.facts(j).booster {
            let caps = if t.caps && doc.mixed_caps { 1.5 } else { 1.0 };
            v += sign * b * decay * caps;
        } else if multiword_dampener(doc, j) {
            v -= sign * BOOST * decay;
        }
        let next = doc.word(j + 1);
        if doc.facts(j).negator {
            // "not only ... but", "no doubt", "never so good" and the "no" of "no one"
            // (counted at "one", which may be in reach when "no" is not) are not negations.
            let idiom = (w == "not" && next == "only")
                || (w == "no" && matches!(next, "doubt" | "one"))
                || (w == "never" && matches!(next, "so" | "this"))
                || (matches!(next, "been" | "felt" | "seen")
                    && matches!(doc.word(j + 2), "so" | "this" | "that" | "as"))
                || (w == "nothing" && next == "but");
            if !idiom {
                negations += 1;
            }
        } else if w == "one" && j > 0 && doc.word(j - 1) == "no" {
            negations += 1;
        } else if is_removal(w) && object_run && (d <= 2 || is_determiner(doc.word(j + 1))) {
            negations += 1;
            if v < 0.0 {
                removal = Some(j);
            }
        } else if matches!(
            w,
            "hard" | "harder" | "difficult" | "impossible" | "tough" | "unable"
        ) && next == "to"
            && d == 2
        {
            negations += 1; // "hard to trust"
        } else if matches!(w, "fail" | "fails" | "failed" | "failing") && next == "to" {
            negations += 1; // "failed to impress"
        } else if w == "least" && !(j > 0 && doc.word(j - 1) == "at") {
            negations += 1;
        }
    }
    if negations % 2 == 1 {
        v *= NEGATION;
    } else {
        removal = None;
    }
    (v, removal)
}

/// Token index range of every sentence, in order (sentences without tokens are empty).
pub(crate) fn sentence_ranges(doc: &Doc) -> Vec<std::ops::Range<usize>> {
    let mut ranges = vec![0..0; doc.sentences.len()];
    let mut start = 0;
    for (i, t) in doc.tokens.iter().enumerate() {
        let next_differs = doc
            .tokens
            .get(i + 1)
            .is_none_or(|n| n.sentence != t.sentence);
        if next_differs {
            if let Some(r) = ranges.get_mut(t.sentence) {
                *r = start..i + 1;
            }
            start = i + 1;
        }
    }
    ranges
}

/// Words that open a question which asks rather than complains.
#[rustfmt::skip]
fn is_interrogative(word: &str) -> bool {
    matches!(
        word,
        "is" | "are" | "does" | "do" | "did" | "can" | "could" | "will" | "would" | "should"
        | "when" | "where" | "which" | "who" | "what" | "how" | "has" | "have" | "if" | "am"
        | "was" | "were" | "any" | "anyone" | "whats" | "what's" | "shall" | "may" | "who's"
        | "how's" | "where's" | "when's" | "which's" | "isn't" | "aren't" | "doesn't" | "don't"
        | "won't" | "can't" | "didn't" | "hasn't" | "haven't" | "whose" | "whom"
    )
}

/// Weights clauses around "but"/"however": the second clause carries the judgement.
fn contrast(doc: &Doc, vals: &mut [f64]) {
    // Only the first contrast counts, so clauses are not halved twice.
    let Some(i) = (0..vals.len()).find(|&i| doc.facts(i).cue == Cue::Contrast) else {
        return;
    };
    let s = doc.tokens[i].sentence;
    let sentence_initial = i == 0 || doc.tokens[i - 1].sentence != s;
    // A sentence-initial "But" contrasts with the previous sentence.
    let from_sentence = if sentence_initial && s > 0 { s - 1 } else { s };
    for (v, t) in vals[..i].iter_mut().zip(&doc.tokens[..i]) {
        if t.sentence >= from_sentence {
            *v *= BEFORE_BUT;
        }
    }
    for (v, t) in vals[i + 1..].iter_mut().zip(&doc.tokens[i + 1..]) {
        if t.sentence != s {
            break;
        }
        *v *= AFTER_BUT;
    }
}

/// Sum of all token valences after every rule, plus punctuation emphasis.
pub(crate) fn total_valence(doc: &Doc) -> f64 {
    token_valences(doc).1
}

/// Per-token valences after all rules (for inspection) and the text total.
pub(crate) fn token_valences(doc: &Doc) -> (Vec<f64>, f64) {
    let n = doc.tokens.len();
    let mut vals = vec![0.0f64; n];
    let mut in_phrase = vec![false; n];
    let mut i = 0;
    while i < n {
        let (v, extra) = base_valence(doc, i);
        if v != 0.0 {
            let (v, removal) = modify(doc, &in_phrase, i, v);
            vals[i] = v;
            if let Some(j) = removal {
                vals[j] = 0.0;
            }
        }
        if extra > 0 {
            // Words of an idiom do not act as negators or boosters for later words.
            in_phrase
                .iter_mut()
                .skip(i)
                .take(extra + 1)
                .for_each(|f| *f = true);
        }
        i += 1 + extra;
    }
    let ranges = sentence_ranges(doc);
    irony(doc, &ranges, &mut vals);
    nostalgia(doc, &ranges, &mut vals);
    contrast(doc, &mut vals);

    let mut total = 0.0;
    for (r, info) in ranges.iter().zip(&doc.sentences) {
        if r.is_empty() {
            continue;
        }
        let mut sum: f64 = vals[r.clone()].iter().sum();
        if info.question && is_interrogative(doc.word(r.start)) {
            sum *= QUESTION_DAMP;
        }
        if sum != 0.0 {
            let marks = info.exclamations.min(4) as f64 * EXCLAMATION
                + if info.questions > 1 {
                    info.questions.min(4) as f64 * QUESTION_MARK
                } else {
                    0.0
                };
            sum += sum.signum() * marks;
        }
        total += sum;
    }
    (vals, total)
}
