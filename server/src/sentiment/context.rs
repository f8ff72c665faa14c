//! Context rules for employee comments: removal verbs ("cut the bonus"), irony
//! ("great, another reorg") and nostalgia ("the old plan was better").

use std::ops::Range;

use super::Doc;

/// Words that the text-wide rules look for, classified once per word (see
/// [`super::lexicon::Lexical`]) instead of compared as strings at every token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    None,
    /// "but", "however": the clause after carries the judgement.
    Contrast,
    /// "old", "previous": the past is being praised...
    Past,
    /// "new", "now", "than": ...or not any more.
    Present,
    /// "better", "easier": the comparatives of nostalgia.
    Comparative,
    /// "love", "enjoy": ironic before "finding out", "how", "being" and bad news.
    Enjoy,
}

/// The words of each [`Cue`].
#[rustfmt::skip]
const CUES: &[(Cue, &[&str])] = &[
    (Cue::Contrast, &["but", "however"]),
    (Cue::Past, &["old", "previous", "former", "original"]),
    (Cue::Present, &["new", "now", "current", "than"]),
    (Cue::Comparative, &[
        "better", "easier", "nicer", "faster", "simpler", "clearer", "cheaper", "fairer",
        "superior",
    ]),
    (Cue::Enjoy, &["love", "loving", "enjoy", "adore"]),
];

/// Every cue word with its cue.
pub(crate) fn cue_words() -> impl Iterator<Item = (&'static str, Cue)> {
    CUES.iter()
        .flat_map(|(cue, words)| words.iter().map(move |w| (*w, *cue)))
}

/// Irony: praise followed by bad news is read as its negative, slightly weakened.
const IRONY: f64 = -0.8;

/// Verbs of removal: what they act on changes sign ("losing good people" is bad,
/// "cut the red tape" is good).
#[rustfmt::skip]
pub(crate) fn is_removal(word: &str) -> bool {
    matches!(
        word,
        "lose" | "loses" | "losing" | "lost" | "cut" | "cuts" | "cutting" | "slash" | "slashed"
        | "slashing" | "eliminate" | "eliminated" | "eliminates" | "eliminating" | "remove"
        | "removed" | "removes" | "removing" | "scrap" | "scrapped" | "scrapping" | "axe"
        | "axed" | "axing" | "end" | "ends" | "ending" | "ended" | "cancel" | "cancels"
        | "cancelled" | "canceled" | "cancelling" | "canceling" | "reduce" | "reduces"
        | "reduced" | "reducing" | "lower" | "lowered" | "lowering" | "fewer" | "prevent"
        | "prevents" | "prevented" | "preventing" | "avoid" | "avoids" | "avoided" | "avoiding"
        | "ditch" | "ditched" | "abolish" | "abolished" | "discontinue" | "discontinued"
        | "discontinuing" | "revoke" | "revoked" | "withdraw" | "withdrawn" | "withdrew"
        | "decrease" | "decreased" | "decreasing"
    )
}

/// Articles and possessives that may open the object of a removal verb ("lost my cover").
#[rustfmt::skip]
pub(crate) fn is_determiner(word: &str) -> bool {
    matches!(
        word,
        "a" | "an" | "the" | "my" | "our" | "their" | "his" | "her" | "your" | "its" | "all"
        | "some" | "any" | "this" | "that" | "these" | "those" | "every" | "both"
    )
}

/// Words that separate a removal verb from what follows ("end of a great day").
#[rustfmt::skip]
pub(crate) fn breaks_object(word: &str) -> bool {
    matches!(
        word,
        "of" | "to" | "for" | "with" | "in" | "on" | "at" | "by" | "from" | "and" | "or" | "is"
        | "was" | "are" | "were" | "be" | "been" | "i" | "we" | "you" | "they" | "he" | "she"
        | "it" | "so" | "as" | "that" | "which" | "up" | "off" | "out" | "me" | "us" | "them"
        | "if" | "when" | "because"
    )
}

/// Interjections that may open an ironic remark ("oh great, ...", "wow, thanks").
#[rustfmt::skip]
fn is_irony_opener(word: &str) -> bool {
    matches!(
        word,
        "oh" | "ohh" | "wow" | "gee" | "well" | "yeah" | "yay" | "just" | "so" | "ah"
    )
}

/// Flips praise that is immediately contradicted: "great, another reorg", "Classy." after a
/// complaint, "love finding out about cuts on a Friday".
pub(crate) fn irony(doc: &Doc, ranges: &[Range<usize>], vals: &mut [f64]) {
    let n = vals.len();
    let total: f64 = vals.iter().sum();
    let mut before = 0.0; // valence of all sentences before the current one
    for r in ranges {
        if r.is_empty() {
            continue;
        }
        let sentence_sum: f64 = vals[r.clone()].iter().sum();
        // The praise unit: a leading word (after an optional "oh"/"wow") closed by a comma,
        // or a whole sentence of at most two words ("Classy.", "Nice timing.").
        let mut head = r.start;
        if is_irony_opener(doc.word(head)) && r.len() > 1 && vals[head] <= 0.0 {
            head += 1;
        }
        let opener = head > r.start;
        let comma_head = doc.tokens[head].clause_end && head + 1 < r.end;
        let unit_end = if comma_head {
            head + 1
        } else if r.len() <= 2 {
            r.end
        } else {
            before += sentence_sum;
            continue;
        };
        let praise: f64 = vals[r.start..unit_end].iter().sum();
        // Plain thanks, laughter and emoji are sincere unless an opener marks them
        // ("wow, thanks").
        let sincere = (r.start..unit_end).any(|k| {
            let w = doc.word(k);
            doc.tokens[k].symbol
                || w.starts_with("thank")
                || matches!(
                    w,
                    "thx" | "ty" | "lol" | "haha" | "hahaha" | "lmao" | "hehe"
                )
        });
        if praise > 0.0 && (opener || !sincere) {
            let after = total - before - praise;
            let cue = matches!(doc.word(unit_end), "another" | "more" | "again" | "yet");
            let ironic = (cue && after <= 0.0)
                || (opener && after < 0.0)
                || (comma_head && after <= -1.5)
                || (!comma_head && before <= -1.0 && after <= 0.0);
            if ironic {
                for v in &mut vals[r.start..unit_end] {
                    *v = IRONY * v.abs();
                }
            }
        }
        before += vals[r.clone()].iter().sum::<f64>();
    }
    // "love finding out ...", "love how ...": enjoyment of something bad is ironic.
    for i in 0..n.saturating_sub(1) {
        if doc.facts(i).cue == Cue::Enjoy && vals[i] > 0.0 {
            let next = doc.word(i + 1);
            if matches!(
                next,
                "how" | "finding" | "being" | "getting" | "hearing" | "learning"
            ) {
                let s = doc.tokens[i].sentence;
                let after: f64 = (i + 1..n)
                    .filter(|&k| doc.tokens[k].sentence == s)
                    .map(|k| vals[k])
                    .sum();
                if after < 0.0 {
                    vals[i] = IRONY * vals[i].abs();
                }
            }
        }
    }
}

/// "The old plan was better": praising the past through a comparative criticises the change.
pub(crate) fn nostalgia(doc: &Doc, ranges: &[Range<usize>], vals: &mut [f64]) {
    for r in ranges {
        let mut past = false;
        for k in r.clone() {
            match doc.facts(k).cue {
                Cue::Past => past = true,
                Cue::Present => past = false,
                Cue::Comparative if past && vals[k] > 0.0 => vals[k] = -vals[k] * 0.8,
                _ => {}
            }
        }
    }
}
