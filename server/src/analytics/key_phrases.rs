//! Key phrases of a comment, for trend reports: its content words and
//! two-word phrases, lowercased, with English stop words left out. Simple
//! and deterministic on purpose: the same text always gives the same set,
//! so a report can be checked by hand.

use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

/// Words that say nothing about a topic: function words, fillers and words
/// every comment to HR uses.
const STOP_WORDS: &[&str] = &[
    "about", "above", "after", "again", "against", "all", "also", "always", "am", "an", "and", "any", "anyone", "anything", "are", "around", "as",
    "ask", "asked", "at", "back", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "cannot", "could",
    "did", "does", "doing", "done", "down", "during", "each", "else", "even", "ever", "every", "few", "for", "from", "further", "get", "gets",
    "getting", "give", "given", "going", "good", "got", "had", "has", "have", "having", "hello", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "however", "just", "know", "let", "like", "lot", "made", "make", "many", "may", "maybe", "might", "more", "most",
    "much", "must", "need", "needs", "new", "not", "now", "off", "once", "one", "only", "other", "others", "our", "ours", "ourselves", "out",
    "over", "own", "please", "put", "quite", "really", "said", "same", "say", "see", "seems", "she", "should", "since", "some", "someone",
    "something", "still", "such", "sure", "take", "than", "thank", "thanks", "that", "the", "their", "theirs", "them", "themselves", "then",
    "there", "these", "they", "thing", "things", "think", "this", "those", "though", "through", "too", "under", "until", "very", "want", "was",
    "way", "well", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within",
    "without", "would", "yes", "yet", "you", "your", "yours", "yourself", "yourselves",
];

static STOP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// Characters that end a clause: no two-word phrase spans them.
fn ends_clause(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '[' | ']' | '"' | '“' | '”' | '\n' | '\r' | '—' | '–')
}

/// A word fit to be a topic: three letters or more, not only digits, not a
/// stop word, no apostrophe left inside (contractions such as "don't").
fn content_word(word: &str) -> bool {
    word.chars().count() >= 3 && word.chars().any(char::is_alphabetic) && !word.contains('\'') && !STOP.contains(word)
}

/// One word as compared: lowercased, curly apostrophes straightened, a
/// possessive "'s" and surrounding apostrophes removed.
fn normalise(raw: &str) -> String {
    let word = raw.to_lowercase().replace('’', "'");
    let word = word.trim_matches('\'');
    word.strip_suffix("'s").unwrap_or(word).to_owned()
}

/// The distinct content words and two-word phrases of `text`.
pub fn of(text: &str) -> BTreeSet<String> {
    let mut phrases = BTreeSet::new();
    for clause in text.split(ends_clause) {
        let mut previous: Option<String> = None;
        for raw in clause.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')).filter(|w| !w.is_empty()) {
            let word = normalise(raw);
            if content_word(&word) {
                if let Some(before) = &previous {
                    phrases.insert(format!("{before} {word}"));
                }
                phrases.insert(word.clone());
                previous = Some(word);
            } else {
                previous = None;
            }
        }
    }
    phrases
}

#[cfg(test)]
mod tests {
    use super::of;

    #[test]
    fn words_and_adjacent_pairs_without_stop_words() {
        let phrases: Vec<String> = of("Why is the Dental coverage cut? Dental coverage matters, it's unfair.").into_iter().collect();
        assert_eq!(phrases, ["coverage", "coverage cut", "coverage matters", "cut", "dental", "dental coverage", "matters", "unfair"]);
    }

    #[test]
    fn contractions_possessives_and_numbers_are_not_topics() {
        let phrases: Vec<String> = of("I don't get the company’s 2026 bonus; we're 401k people").into_iter().collect();
        assert_eq!(phrases, ["401k", "401k people", "bonus", "company", "people"]);
    }
}
