//! Behavioural tests: one or more per rule.

use super::*;

fn c(text: &str) -> f64 {
    score(text).compound
}

#[test]
fn empty_and_neutral_text_score_zero() {
    assert_eq!(c(""), 0.0);
    assert_eq!(c("   \n\t "), 0.0);
    assert_eq!(score("The meeting is on Tuesday.").label, Label::Neutral);
}

#[test]
fn compound_is_bounded() {
    let long = "amazing wonderful fantastic ".repeat(500);
    let s = c(&long);
    assert!(s > 0.99 && s <= 1.0, "{s}");
    let s = c(&"terrible awful horrible!!! ".repeat(500));
    assert!((-1.0..-0.99).contains(&s), "{s}");
}

#[test]
fn labels_follow_thresholds() {
    assert_eq!(Label::from_compound(POSITIVE_THRESHOLD), Label::Positive);
    assert_eq!(Label::from_compound(NEGATIVE_THRESHOLD), Label::Negative);
    assert_eq!(
        Label::from_compound(POSITIVE_THRESHOLD - 0.01),
        Label::Neutral
    );
    assert_eq!(Label::from_compound(0.0), Label::Neutral);
    assert_eq!(Label::Positive.as_str(), "positive");
    assert_eq!(score("good").label, Label::Positive);
    assert_eq!(score("bad").label, Label::Negative);
}

#[test]
fn negation_flips() {
    assert!(c("not good") < 0.0);
    assert!(c("this isn't good") < 0.0);
    assert!(c("it doesn’t help") < 0.0, "curly apostrophe");
    assert!(c("not bad") > 0.0);
    assert!(
        c("never been so happy") > 0.0,
        "'never so' is not a negation"
    );
    assert!(c("not only good but great") > 0.0);
}

#[test]
fn boosters_and_dampeners() {
    assert!(c("very good") > c("good"));
    assert!(c("extremely bad") < c("bad"));
    assert!(c("slightly good") < c("good"));
    assert!(c("kind of good") < c("good"));
}

#[test]
fn but_shifts_weight_to_second_clause() {
    assert!(c("good but terrible") < 0.0);
    assert!(c("the food was bad but the service was excellent") > 0.0);
    assert!(c("It started well. But the ending was awful.") < 0.0);
}

#[test]
fn caps_emphasis() {
    assert!(c("GREAT") > c("great"));
    assert!(c("OK") == c("ok"), "two-letter capitals are acronyms");
    let shouted = "THE NEW PORTAL IS GREAT AND THE OLD ONE WAS BAD";
    assert_eq!(
        c(shouted),
        c(&shouted.to_lowercase()),
        "caps lock is not emphasis"
    );
    assert!(c("the party was GREAT") > c("the party was great"));
    assert!(c("this is AWFUL news") < c("this is awful news"));
}

#[test]
fn punctuation_emphasis() {
    assert!(c("great!!!") > c("great"));
    assert!(c("great!") > c("great"));
    assert!(c("terrible!!") < c("terrible"));
    assert!(
        c("really??") == 0.0,
        "punctuation alone carries no sentiment"
    );
}

#[test]
fn emoji_and_emoticons() {
    assert!(c("😀") > 0.0);
    assert!(c("🎉🎉") > c("🎉"));
    assert!(c("😡") < 0.0);
    assert!(c("meeting moved to 3pm 👍") > 0.0);
    assert!(
        c("great job 👏🏽") > c("great job"),
        "skin tone modifier is ignored"
    );
    assert!(c(":)") > 0.0);
    assert!(c(":(") < 0.0);
    assert!(c("❤️") > 0.0, "variation selector is ignored");
}

#[test]
fn workplace_vocabulary() {
    assert!(c("they cut dental coverage for dependents") < 0.0);
    assert!(c("finally a raise") > 0.0);
    assert!(c("dependents' dental coverage ends next enrolment period") < 0.0);
    assert!(c("more layoffs announced today") < 0.0);
    assert!(c("thank you HR") > 0.0);
    assert!(c("the team is understaffed and heading for burnout") < 0.0);
    assert!(c("I appreciate the new bonus scheme") > 0.0);
    assert!(c("they retaliated after I complained") < 0.0);
}

#[test]
fn sarcasm_cues() {
    assert!(c("great, another reorg") < 0.0);
    assert!(c("oh wonderful, the system is down again") < 0.0);
    assert!(c("thanks for nothing") < 0.0);
    assert!(c("yeah right") < 0.0);
    assert!(c("Premiums doubled again. Brilliant.") < 0.0);
    assert!(c("love finding out about pay cuts from the news") < 0.0);
    // Sincere praise keeps its sign.
    assert!(c("great, thanks for the quick fix") > 0.0);
    assert!(c("Brilliant. Thanks for sorting it out.") > 0.0);
}

#[test]
fn removal_verbs_reverse_their_object() {
    assert!(c("we are losing good people") < c("we are losing people"));
    assert!(c("they finally cut the red tape") > 0.0);
    assert!(c("they avoided layoffs this year") > 0.0);
    assert!(
        c("the end of a great day") > 0.0,
        "a preposition ends the object"
    );
}

#[test]
fn context_negations() {
    assert!(c("no one seems to care") < 0.0);
    assert!(c("it is hard to trust them") < 0.0);
    assert!(c("the update failed to impress") < 0.0);
    assert!(
        c("I can't believe how good this is") > 0.0,
        "idiom words negate nothing"
    );
    assert!(c("No.") < 0.0, "a bare refusal is negative");
    assert!(c("guilt free") > 0.0);
    assert!(c("pain-free") > 0.0);
}

#[test]
fn praising_the_past_criticises_the_change() {
    assert!(c("The old plan was better.") < 0.0);
    assert!(c("The new plan is better than the old one.") > 0.0);
}

#[test]
fn emphasis_and_escapes() {
    assert!(c("goooood") > c("good"));
    assert!(c("i &lt;3 it") > 0.0, "HTML-escaped heart");
    assert!(c("fun :-).") > c("fun"), "emoticon followed by a full stop");
}

#[test]
fn questions_are_damped() {
    assert!(c("Is the parking free?") < c("The parking is free."));
    assert!(c("Is the parking free?") > 0.0);
}

#[test]
fn numbers_do_not_split_sentences() {
    let doc = Doc::parse("a 1.5% raise. ok");
    assert_eq!(doc.word(1), "1.5");
    assert_eq!(doc.tokens.iter().filter(|t| t.sentence == 0).count(), 3);
}

#[test]
fn odd_input_does_not_panic() {
    for text in [
        "!!!",
        "???",
        ":)",
        "-",
        "'",
        "n't",
        "a-",
        "\u{200d}",
        "\u{fe0f}",
        "ＧＲＥＡＴ",
        "İstanbul",
        "ß",
    ] {
        let s = score(text);
        assert!(s.compound.is_finite());
    }
    let weird: String = (0u32..0x3000).filter_map(char::from_u32).collect();
    assert!(score(&weird).compound.is_finite());
}

#[test]
fn rule_word_lists_do_not_overlap() {
    // A word in two lists would silently take the first meaning.
    let mut seen = std::collections::HashSet::new();
    for (word, _) in rules::degree_words() {
        assert!(seen.insert(word), "{word} is listed twice as a degree word");
    }
    let mut seen = std::collections::HashSet::new();
    for (word, _) in context::cue_words() {
        assert!(seen.insert(word), "{word} has two cues");
    }
    let mut seen = std::collections::HashSet::new();
    for word in rules::NEGATORS {
        assert!(seen.insert(word), "{word} is listed twice as a negator");
    }
}

#[test]
fn memoised_lookups_agree_with_fresh_ones() {
    // The per-thread memo must not change a score: score twice, and on a new thread.
    let text = "Unhelpfully slow, the disappointing rollout was frustratingly unclear";
    let first = c(text);
    assert_eq!(c(text), first);
    let fresh = std::thread::spawn(move || c(text)).join().unwrap();
    assert_eq!(fresh, first);
    assert!(first < -0.5, "{first}");
}
