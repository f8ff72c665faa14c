//! The classification corpus (tests/data/user_agents, sources in its
//! README.md): every known bot, scanner and preview agent must be judged
//! automated, every real browser a person, and every mail provider's image
//! proxy an approximate open. The counts are printed for BENCHMARKS.md
//! (`cargo test --test suite corpus -- --nocapture`).

use axum::http::{header, HeaderMap, HeaderValue, Method};
use herald::tracking::classify::{classify, Verdict};

fn corpus(file: &str) -> Vec<String> {
    let path = format!("{}/tests/data/user_agents/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    text.lines().filter(|line| !line.starts_with('#') && !line.trim().is_empty()).map(str::to_owned).collect()
}

fn judge(agent: &str, pixel: bool) -> Verdict {
    let mut headers = HeaderMap::new();
    headers.insert(header::USER_AGENT, HeaderValue::from_str(agent).unwrap_or_else(|_| panic!("not a header value: {agent:?}")));
    classify(&Method::GET, &headers, pixel)
}

/// The agents of `files` judged wrongly by `wrong`, with how many were judged.
fn misjudged(files: &[&str], pixel: bool, wrong: impl Fn(&Verdict) -> bool) -> (usize, Vec<String>) {
    let agents: Vec<String> = files.iter().flat_map(|file| corpus(file)).collect();
    let missed = agents.iter().filter(|agent| wrong(&judge(agent, pixel))).cloned().collect();
    (agents.len(), missed)
}

fn report(what: &str, total: usize, missed: &[String]) {
    println!("{what}: {} of {total} ({:.2}%)", missed.len(), 100.0 * missed.len() as f64 / total.max(1) as f64);
}

#[test]
fn corpus_bots_are_automated_browsers_are_people_and_proxies_are_approximate() {
    let (bots, bots_as_people) = misjudged(&["bots.txt", "herald-bots.txt"], false, |verdict| !verdict.automated);
    let (browsers, browsers_as_bots) = misjudged(&["browsers.txt", "herald-browsers.txt"], false, |verdict| verdict.automated);
    let (proxies, proxies_wrong) = misjudged(&["image-proxies.txt"], true, |verdict| !verdict.is_approximate());
    report("bots counted as people", bots, &bots_as_people);
    report("browsers counted as bots", browsers, &browsers_as_bots);
    report("image-proxy opens not counted as approximate", proxies, &proxies_wrong);
    assert!(bots > 2_000 && browsers > 900 && proxies >= 3, "the corpus is all there: {bots} bots, {browsers} browsers");
    assert!(bots_as_people.is_empty(), "bots counted as people: {bots_as_people:#?}");
    assert!(browsers_as_bots.is_empty(), "browsers counted as bots: {browsers_as_bots:#?}");
    assert!(proxies_wrong.is_empty(), "image proxies not approximate: {proxies_wrong:#?}");
}
