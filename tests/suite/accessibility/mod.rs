//! The accessibility crawl: every page each role can reach, with real data
//! behind it, checked in Chromium at 1280 and 390 px (axe-core's WCAG 2.1
//! A/AA rules, nothing wider than the viewport, no console error or CSP
//! violation) and by the Nu HTML Checker (zero errors). Phone screenshots
//! land in target/screenshots/a11y.
//!
//! The checkers come from tests/support/a11y (`npm ci`, done by scripts/test).

mod chromium;
mod crawl;
mod html_checker;
mod seed;

use herald::auth::Role;

use crate::browser::{sign_in, sign_out, start_browser};
use crate::helpers::{TestApp, PASSWORD};
use chromium::Viewport;
use crawl::Page;

/// One finding: who saw it, where, at which width (none for the HTML checker), and what.
pub struct Problem {
    pub who: String,
    pub path: String,
    pub viewport: Option<Viewport>,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let width = match self.viewport {
            Some(Viewport::Desktop) => " @1280",
            Some(Viewport::Phone) => " @390",
            None => "",
        };
        write!(f, "{} {}{width}: {}", self.who, self.path, self.what)
    }
}

/// Who is crawled: everyone without an account, then each role.
const VISITORS: [Option<Role>; 5] = [None, Some(Role::Employee), Some(Role::HrStaff), Some(Role::HrLead), Some(Role::Admin)];

fn visitor_name(role: Option<Role>) -> &'static str {
    role.map(|role| role.as_str()).unwrap_or("anonymous")
}

#[tokio::test]
async fn every_page_of_every_role_passes_axe_and_the_html_checker_at_desktop_and_phone_widths() {
    let checkers = html_checker::Checkers::locate();
    let app = TestApp::spawn().await;
    let data = seed::Seeded::create(&app).await;
    let (_driver, browser) = start_browser().await;
    chromium::prepare(&browser, &checkers.axe_source()).await;

    let mut problems: Vec<Problem> = Vec::new();
    let mut all_pages: Vec<(&'static str, Page)> = Vec::new();
    for role in VISITORS {
        let who = visitor_name(role);
        let pages = match role {
            None => crawl::discover(&app, &app.browser(), &data.public_pages()).await,
            Some(role) => {
                let (client, _) = app.login_as(data.email(role), PASSWORD).await;
                crawl::discover(&app, &client, &["/".to_owned()]).await
            }
        };
        if let Some(role) = role {
            sign_in(&browser, &app, data.email(role)).await;
        }
        for viewport in [Viewport::Desktop, Viewport::Phone] {
            chromium::set_viewport(&browser, viewport).await;
            for page in &pages {
                problems.extend(chromium::check(&browser, &app, page, viewport, who).await);
            }
        }
        if role.is_some() {
            browser.goto(&app.url("/")).await.unwrap();
            sign_out(&browser).await;
        }
        all_pages.extend(pages.into_iter().map(|page| (who, page)));
    }
    browser.close().await.unwrap();

    let paths: Vec<String> = all_pages.iter().map(|(who, page)| format!("{who} {}", page.path)).collect();
    for expected in data.must_cover() {
        assert!(paths.iter().any(|path| path == &expected), "the crawl never reached {expected}; it saw:\n{}", paths.join("\n"));
    }
    problems.extend(checkers.validate_html(&all_pages));
    assert!(problems.is_empty(), "{} problems on {} pages:\n{}", problems.len(), all_pages.len(), problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"));
}
