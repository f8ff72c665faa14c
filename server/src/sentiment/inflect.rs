//! English inflections for the lexicon: a word that is not listed takes the valence of
//! its stem ("disappoints" -> "disappoint", "happily" -> "happy"), with the sign turned
//! for "un-" and "-free" ("unhelpful", "stress-free").

/// Valence of an unlisted word through its stem, if it has one that `exact` lists.
pub(crate) fn inflected(word: &str, exact: &dyn Fn(&str) -> Option<f64>) -> Option<f64> {
    // A listed stem, or the stem's own inflection ("unhelpfully" -> "helpfully" -> "helpful").
    let valence = |w: &str| exact(w).or_else(|| inflected(w, exact));
    if word.len() < 4 || !word.is_ascii() {
        return None;
    }
    let stem_lookup = |stem: &str| -> Option<f64> {
        if stem.len() >= 3 {
            exact(stem)
        } else {
            None
        }
    };
    // Possessive and plural/third person.
    let bare = word.strip_suffix("'s").unwrap_or(word);
    if bare.len() != word.len() {
        if let Some(v) = stem_lookup(bare) {
            return Some(v);
        }
    }
    // Letter repetition for emphasis ("soooo good", "greaaat"): squeeze runs of 3+.
    if has_triple(word) {
        let mut squeezed = String::with_capacity(word.len());
        let mut last = '\0';
        let mut run = 0;
        for ch in word.chars() {
            run = if ch == last { run + 1 } else { 1 };
            last = ch;
            if run <= 2 {
                squeezed.push(ch);
            }
        }
        return valence(&squeezed).or_else(|| {
            // "goood" -> "good" already; "niiice" needs single letters.
            let mut single = String::with_capacity(squeezed.len());
            let mut prev = '\0';
            for ch in squeezed.chars() {
                if ch != prev {
                    single.push(ch);
                }
                prev = ch;
            }
            exact(&single)
        });
    }
    for (suffix, replacement) in SUFFIXES {
        if let Some(stem) = word.strip_suffix(suffix) {
            // "-es" only after sibilants and "o" ("bosses", "goes"), never "dudes" -> "dud".
            if suffix == "es" && !stem.ends_with(['s', 'x', 'z', 'o', 'h']) {
                continue;
            }
            let mut buf = [0u8; 40];
            if let Some(candidate) = join(&mut buf, stem, replacement) {
                if let Some(v) = stem_lookup(candidate) {
                    return Some(v);
                }
            }
            // Doubled consonant before -ing/-ed ("cutting", "stopped").
            let b = stem.as_bytes();
            if replacement.is_empty() && b.len() >= 3 && b[b.len() - 1] == b[b.len() - 2] {
                if let Some(v) = stem_lookup(&stem[..stem.len() - 1]) {
                    return Some(v);
                }
            }
        }
    }
    // "un-" turns a positive quality into its lack ("unhelpful", "unimpressive").
    if let Some(stem) = word.strip_prefix("un") {
        if let Some(v) = valence(stem) {
            if v > 0.0 {
                return Some(-0.8 * v);
            }
        }
    }
    // "pain-free", "stress-free": the absence of something bad is good.
    if let Some(stem) = word.strip_suffix("-free") {
        return valence(stem).filter(|v| *v < 0.0).map(|v| -0.8 * v);
    }
    if !word.contains('-') {
        return None;
    }
    // Hyphenated compounds: the strongest part speaks for the whole ("ill-timed").
    // Phrasal nouns ("mock-up", "check-in") are not judged by their verb.
    let particle = word.rsplit('-').next().is_some_and(|last| {
        matches!(
            last,
            "up" | "ups" | "in" | "ins" | "out" | "outs" | "off" | "offs" | "on" | "ons"
        )
    });
    if particle {
        return None;
    }
    word.split('-')
        .filter_map(exact)
        .max_by(|a, b| a.abs().total_cmp(&b.abs()))
}

/// Inflection endings tried in order, with what replaces them.
const SUFFIXES: [(&str, &str); 18] = [
    ("iest", "y"),
    ("ier", "y"),
    ("ily", "y"),
    ("ied", "y"),
    ("ies", "y"),
    ("ably", "able"),
    ("ibly", "ible"),
    ("ness", ""),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
    ("ly", ""),
    ("es", ""),
    ("s", ""),
    ("est", ""),
    ("er", ""),
    ("r", ""),
];

/// Concatenates `stem` and `tail` into `buf` without allocating.
fn join<'a>(buf: &'a mut [u8; 40], stem: &str, tail: &str) -> Option<&'a str> {
    let len = stem.len() + tail.len();
    if len > buf.len() {
        return None;
    }
    buf[..stem.len()].copy_from_slice(stem.as_bytes());
    buf[stem.len()..len].copy_from_slice(tail.as_bytes());
    std::str::from_utf8(&buf[..len]).ok()
}

fn has_triple(word: &str) -> bool {
    let b = word.as_bytes();
    b.windows(3)
        .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_ascii_alphabetic())
}
