//! Finding the pages a visitor can reach: follow every same-site link from
//! the start pages, over HTTP with the visitor's session. Pages of one shape
//! (`/news/7` and `/news/8`, `/library?tag=a` and `?tag=b`) are checked once.

use std::collections::{HashSet, VecDeque};

use crate::helpers::{location, TestApp};

pub struct Page {
    /// Path and query, as the browser is sent to it.
    pub path: String,
    /// The HTML the server answered, for the Nu HTML Checker.
    pub html: String,
    /// Served with a CSP `sandbox` (email previews): no script runs in it, not even axe.
    pub sandboxed: bool,
}

/// More would mean the shape rule below stopped grouping pages.
const MAX_PAGES: usize = 80;

/// Not pages: downloads, redirects that count a click, sign-out and
/// single-use links, machine endpoints, and other sites.
fn worth_visiting(path: &str) -> bool {
    const SKIPPED_PREFIXES: [&str; 13] =
        ["/assets/", "/api/", "/scim/", "/auth/oidc", "/logout", "/s/", "/l/", "/o/", "/a/", "/p/", "/login/link/open", "/login/reset/open", "/healthz"];
    const SKIPPED_PARTS: [&str; 4] = [".csv", "/files/", ".json", "/export"];
    path.starts_with('/')
        && !path.starts_with("//")
        && !SKIPPED_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
        && !SKIPPED_PARTS.iter().any(|part| path.contains(part))
        && path != "/favicon.ico"
}

/// `/news/7?page=2` → `/news/*?page`: segments holding a digit are ids, slugs
/// or codes (the seeded titles carry a year for that reason).
fn shape(path: &str) -> String {
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let segments: Vec<&str> = route.split('/').map(|segment| if segment.chars().any(|c| c.is_ascii_digit()) { "*" } else { segment }).collect();
    let mut keys: Vec<&str> = query.split('&').filter(|pair| !pair.is_empty()).map(|pair| pair.split('=').next().unwrap_or("")).collect();
    keys.sort_unstable();
    keys.dedup();
    format!("{}?{}", segments.join("/"), keys.join("&"))
}

/// Link targets and embedded documents (the email preview is an iframe).
fn links(html: &str) -> impl Iterator<Item = String> + '_ {
    html.split('<').skip(1).filter_map(|tag| {
        let tag = &tag[..tag.find('>')?];
        let attribute = if tag.starts_with("a ") { "href=\"" } else if tag.starts_with("iframe ") { "src=\"" } else { return None };
        let start = tag.find(attribute)? + attribute.len();
        let href = &tag[start..start + tag[start..].find('"')?];
        let href = href.split('#').next().unwrap_or("").replace("&amp;", "&");
        (!href.is_empty()).then_some(href)
    })
}

pub async fn discover(app: &TestApp, client: &reqwest::Client, starts: &[String]) -> Vec<Page> {
    let mut queue: VecDeque<String> = starts.iter().cloned().collect();
    let mut shapes: HashSet<String> = HashSet::new();
    let mut pages = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !shapes.insert(shape(&path)) {
            continue;
        }
        let response = app.get(client, &path).await;
        let status = response.status();
        if status.is_redirection() {
            let to = location(&response);
            let to = to.strip_prefix(&app.address).unwrap_or(&to).to_owned();
            if to.starts_with('/') && !to.starts_with("//") {
                queue.push_back(to);
            }
            continue;
        }
        assert!(status.is_success(), "GET {path}: {status}, a link leads to a broken page");
        let is_html = response.headers().get("content-type").is_some_and(|kind| kind.to_str().unwrap_or("").starts_with("text/html"));
        if !is_html {
            continue;
        }
        let sandboxed = response.headers().get("content-security-policy").is_some_and(|policy| policy.to_str().unwrap_or("").contains("sandbox"));
        let html = response.text().await.unwrap();
        queue.extend(links(&html).filter(|link| worth_visiting(link)));
        pages.push(Page { path, html, sandboxed });
        assert!(pages.len() <= MAX_PAGES, "more than {MAX_PAGES} distinct pages: {:?}", pages.iter().map(|page| &page.path).collect::<Vec<_>>());
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_slugs_and_query_values_share_a_shape() {
        assert_eq!(shape("/news/7"), shape("/news/12"));
        assert_eq!(shape("/library/dental-plan-2027"), shape("/library/parental-leave-2027"));
        assert_eq!(shape("/library?tag=a&page=2"), shape("/library?page=3&tag=b"));
        assert_ne!(shape("/library?tag=a"), shape("/library"));
        assert_ne!(shape("/library/new"), shape("/library/dental-plan-2027"));
    }
}
