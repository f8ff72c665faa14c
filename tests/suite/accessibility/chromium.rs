//! The checks that need a browser: axe-core, the page's width, console
//! errors and CSP violations. axe-core and the listeners are installed by
//! the DevTools protocol into every new document before its own scripts run,
//! which the page's Content-Security-Policy does not govern.

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::{json, Value};

use super::crawl::Page;
use super::Problem;
use crate::helpers::TestApp;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Viewport {
    Desktop,
    Phone,
}

impl Viewport {
    fn metrics(self) -> Value {
        match self {
            Viewport::Desktop => json!({"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
            Viewport::Phone => json!({"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true}),
        }
    }
}

/// One DevTools protocol command, through chromedriver.
#[derive(Debug)]
struct Cdp {
    command: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(json!({"cmd": self.command, "params": self.params}).to_string()))
    }
}

async fn cdp(browser: &Client, command: &'static str, params: Value) -> Value {
    browser.issue_cmd(Cdp { command, params }).await.unwrap_or_else(|err| panic!("{command}: {err}"))
}

/// The whole page, not just the viewport, under target/screenshots/a11y.
async fn full_page_screenshot(browser: &Client, name: &str) {
    use base64::Engine;
    let shot = cdp(browser, "Page.captureScreenshot", json!({"format": "png", "captureBeyondViewport": true})).await;
    let png = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().expect("screenshot data")).expect("base64 PNG");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

fn screenshot_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots/a11y")
}

/// Collects what went wrong while the page loaded: script errors, resources
/// that failed, console.error calls and CSP violations.
const LISTENERS: &str = r#"
window.__heraldProblems = [];
window.addEventListener('error', (event) => {
  const source = event.target && (event.target.src || event.target.href);
  window.__heraldProblems.push(source ? 'failed to load ' + source : 'script error: ' + event.message);
}, true);
document.addEventListener('securitypolicyviolation', (event) => {
  window.__heraldProblems.push('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI);
});
const heraldConsoleError = console.error;
console.error = (...args) => { window.__heraldProblems.push('console.error: ' + args.join(' ')); heraldConsoleError.apply(console, args); };
"#;

/// axe-core's source, for documents the DevTools script cannot reach.
static AXE_SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub async fn prepare(browser: &Client, axe_source: &str) {
    let _ = AXE_SOURCE.set(axe_source.to_owned());
    std::fs::create_dir_all(screenshot_dir()).unwrap();
    for source in [LISTENERS, axe_source] {
        cdp(browser, "Page.addScriptToEvaluateOnNewDocument", json!({ "source": source })).await;
    }
}

pub async fn set_viewport(browser: &Client, viewport: Viewport) {
    cdp(browser, "Emulation.setDeviceMetricsOverride", viewport.metrics()).await;
}

const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
// Embedded documents (the email preview) are crawled as pages of their own; a sandboxed frame would never answer axe.
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'], iframes: false })
  .then((results) => done(results.violations.map((v) => v.id + ' (' + v.help + '): ' + v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\n').slice(1, 2).join('')).join(' | '))))
  .catch((err) => done(['axe failed: ' + err]));
"#;

const MEASURE: &str = r#"
// clientWidth is the layout viewport: a phone may zoom out to show a wider page, innerWidth would follow.
return { page: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), viewport: document.documentElement.clientWidth, problems: window.__heraldProblems || ['listeners missing'] };
"#;

fn strings(value: &Value) -> Vec<String> {
    value.as_array().map(|items| items.iter().filter_map(|item| item.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

pub async fn check(browser: &Client, app: &TestApp, page: &Page, viewport: Viewport, who: &str) -> Vec<Problem> {
    if page.sandboxed {
        // Its own CSP keeps every script out, so its HTML is checked in a blank page instead.
        browser.goto("about:blank").await.unwrap();
        let write = format!("{}\n;document.open(); document.write(arguments[0]); document.close(); window.__heraldProblems = []; return true;", AXE_SOURCE.get().expect("prepare() ran"));
        browser.execute(&write, vec![Value::String(page.html.clone())]).await.unwrap_or_else(|err| panic!("writing {}: {err}", page.path));
    } else {
        browser.goto(&app.url(&page.path)).await.unwrap_or_else(|err| panic!("{}: {err}", page.path));
    }
    let problem = |what: String| Problem { who: who.to_owned(), path: page.path.clone(), viewport: Some(viewport), what };
    let mut found = Vec::new();
    let measured = browser.execute(MEASURE, vec![]).await.unwrap_or_else(|err| panic!("measuring {}: {err}", page.path));
    let (width, available) = (measured["page"].as_i64().unwrap_or(0), measured["viewport"].as_i64().unwrap_or(0));
    if width > available {
        found.push(problem(format!("{width} px wide in a {available} px viewport")));
    }
    found.extend(strings(&measured["problems"]).into_iter().map(&problem));
    let violations = browser.execute_async(AXE_RUN, vec![]).await.unwrap_or_else(|err| panic!("axe on {}: {err}", page.path));
    found.extend(strings(&violations).into_iter().map(|violation| problem(format!("axe: {violation}"))));
    if viewport == Viewport::Phone {
        full_page_screenshot(browser, &format!("{who}{}", page.path.replace(['/', '?', '&', '=', '%'], "_"))).await;
    }
    found
}
