//! Key phrases of comments, for trend reports: runs of two or three
//! adjacent subject words ("dental coverage", "remote work stipend"),
//! lowercased; stop words and feeling words (the sentiment lexicon's, see
//! [`crate::sentiment::is_feeling_word`]) break a run and are never part of
//! one. A phrase counts once per comment and is shown only when enough
//! distinct comments use it. Simple and deterministic on purpose: the same
//! texts always give the same phrases, so a report can be checked by hand.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::LazyLock;

/// Words that say nothing about a topic: function words, fillers, pronouns
/// and words every comment to HR uses.
const STOP_WORDS: &[&str] = &[
    "about", "above", "actually", "after", "again", "against", "all", "already", "also", "always", "am", "an", "and", "another", "any", "anyone",
    "anything", "anyway", "are", "around", "as", "ask", "asked", "at", "back", "basically", "be", "because", "been", "before", "being", "below",
    "between", "both", "but", "by", "came", "can", "cannot", "come", "could", "did", "does", "doing", "done", "down", "during", "each", "else",
    "even", "ever", "every", "everybody", "everyone", "everything", "few", "finally", "for", "from", "further", "get", "gets", "getting", "give",
    "given", "going", "gone", "got", "guys", "had", "has", "have", "having", "hello", "her", "here", "hers", "herself", "hey", "him", "himself",
    "his", "honestly", "how", "however", "its", "just", "keep", "know", "let", "like", "literally", "lot", "lots", "made", "make", "many", "may",
    "maybe", "might", "more", "most", "much", "must", "need", "needs", "new", "nobody", "not", "nothing", "now", "off", "okay", "once", "one",
    "only", "other", "others", "our", "ours", "ourselves", "out", "over", "own", "please", "probably", "put", "quite", "really", "said", "same",
    "say", "see", "seems", "seriously", "she", "should", "since", "some", "somebody", "someone", "something", "still", "such", "suddenly",
    "sure", "take", "tell", "than", "thank", "thanks", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they",
    "thing", "things", "think", "this", "those", "though", "through", "told", "too", "totally", "under", "until", "very", "want", "was", "way",
    "well", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within", "without",
    "would", "yeah", "yes", "yet", "you", "your", "yours", "yourself", "yourselves",
];

static STOP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// Phrases run from two to this many words.
const LONGEST: usize = 3;

/// Characters that end a clause: no phrase spans them.
fn ends_clause(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '[' | ']' | '"' | '“' | '”' | '\n' | '\r' | '—' | '–')
}

/// One word as compared: lowercased, curly apostrophes straightened, a
/// possessive "'s" and surrounding apostrophes removed.
fn normalise(raw: &str) -> String {
    let word = raw.to_lowercase().replace('’', "'");
    let word = word.trim_matches('\'');
    word.strip_suffix("'s").unwrap_or(word).to_owned()
}

/// A word that may name something: three letters or more, not only
/// digits, not a stop word, no apostrophe left inside ("don't").
fn naming(word: &str) -> bool {
    word.chars().count() >= 3 && word.chars().any(char::is_alphabetic) && !word.contains('\'') && !STOP.contains(word)
}

/// The clauses of `text`, each as its normalised words.
fn clauses(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    text.split(ends_clause).map(|clause| {
        clause.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')).filter(|w| !w.is_empty()).map(normalise).collect()
    })
}

/// A word's singular, as far as a plain "s" goes: "dependents" and
/// "dependent" match, "coverage" stays.
pub fn singular(word: &str) -> String {
    match word.strip_suffix("ies") {
        Some(stem) if stem.len() >= 2 => format!("{stem}y"),
        _ => match word.strip_suffix('s') {
            Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem.to_owned(),
            _ => word.to_owned(),
        },
    }
}

/// The words of `text` that may name its subject, singular: what the
/// report matches against the titles and tags of the items it is about.
pub fn subject_words(text: &str) -> BTreeSet<String> {
    clauses(text).flatten().filter(|w| naming(w)).map(|w| singular(&w)).collect()
}

/// The distinct key phrases of `text`: every run of two or three adjacent
/// subject words that are not feeling words.
pub fn of(text: &str) -> BTreeSet<String> {
    let mut phrases = BTreeSet::new();
    for clause in clauses(text) {
        let mut run: Vec<&str> = Vec::new();
        for word in clause.iter().map(String::as_str).chain([""]) {
            if naming(word) && !crate::sentiment::is_feeling_word(word) {
                run.push(word);
                continue;
            }
            for length in 2..=LONGEST {
                phrases.extend(run.windows(length).map(|w| w.join(" ")));
            }
            run.clear();
        }
    }
    phrases
}

/// A phrase and the number of distinct comments that use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPhrase {
    pub text: String,
    pub comments: u32,
}

/// The phrases used by at least `min` of `texts` (each text one comment),
/// most used first, then longer, then alphabetically. A phrase used by no
/// more comments than a longer one that contains it is left to the longer.
pub fn frequent<'a>(texts: impl IntoIterator<Item = &'a str>, min: u32) -> Vec<KeyPhrase> {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for text in texts {
        for phrase in of(text) {
            *counts.entry(phrase).or_default() += 1;
        }
    }
    counts.retain(|_, n| *n >= min);
    let inside_longer = |phrase: &str, n: u32| {
        counts.iter().any(|(other, m)| *m >= n && other.len() > phrase.len() && format!(" {other} ").contains(&format!(" {phrase} ")))
    };
    let mut phrases: Vec<KeyPhrase> =
        counts.iter().filter(|(phrase, n)| !inside_longer(phrase, **n)).map(|(text, n)| KeyPhrase { text: text.clone(), comments: *n }).collect();
    phrases.sort_by(|a, b| b.comments.cmp(&a.comments).then(b.text.split(' ').count().cmp(&a.text.split(' ').count())).then(a.text.cmp(&b.text)));
    phrases
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(text: &str) -> Vec<String> {
        of(text).into_iter().collect()
    }

    #[test]
    fn runs_of_two_or_three_subject_words_without_stop_or_feeling_words() {
        assert_eq!(phrases("Why is the Dental coverage for dependents so unfair? Honestly nobody asked the kids."), ["dental coverage"]);
        assert_eq!(phrases("The remote work stipend payment is great"), ["remote work", "remote work stipend", "stipend payment", "work stipend", "work stipend payment"]);
        assert!(phrases("Honestly, nobody likes this, it's terrible and awful").is_empty());
    }

    #[test]
    fn contractions_possessives_and_numbers_are_not_phrases() {
        assert_eq!(phrases("I don't get the company’s 2026 401k match; we're 401k people"), ["401k match", "401k people"]);
    }

    #[test]
    fn frequent_phrases_count_distinct_comments_and_prefer_the_longer() {
        let texts = ["dental coverage cut, dental coverage cut", "Dental coverage cut again", "dental coverage for kids", "parking permit fees"];
        let found = frequent(texts, 2);
        let expected = [KeyPhrase { text: "dental coverage".into(), comments: 3 }, KeyPhrase { text: "dental coverage cut".into(), comments: 2 }];
        assert_eq!(found, expected, "\"coverage cut\" (2) is inside \"dental coverage cut\" (2); \"parking permit\" is used once");
    }

    #[test]
    fn singulars_match_plain_plurals() {
        assert_eq!(singular("dependents"), "dependent");
        assert_eq!(singular("policies"), "policy");
        assert_eq!(singular("coverage"), "coverage");
        assert_eq!(singular("glass"), "glass");
        assert_eq!(subject_words("Is the remote stipend taxable?").into_iter().collect::<Vec<_>>(), ["remote", "stipend", "taxable"]);
    }
}
