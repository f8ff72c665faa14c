//! The Nu HTML Checker over every crawled page: one Java process for all of
//! them (a JVM per page would cost a second or more each).

use std::path::PathBuf;

use serde_json::Value;

use super::crawl::Page;
use super::Problem;

pub struct Checkers {
    root: PathBuf,
}

impl Checkers {
    /// The checkers `npm ci` put under tests/support/a11y (scripts/test does it).
    pub fn locate() -> Checkers {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/a11y/node_modules");
        assert!(
            root.join("axe-core/axe.min.js").exists() && root.join("vnu-jar/build/dist/vnu.jar").exists(),
            "axe-core and vnu-jar are missing: run `npm ci --ignore-scripts` in tests/support/a11y (scripts/test does)"
        );
        Checkers { root }
    }

    pub fn axe_source(&self) -> String {
        std::fs::read_to_string(self.root.join("axe-core/axe.min.js")).expect("read axe.min.js")
    }

    /// Every error the checker reports, named by the visitor and page it was found on.
    pub fn validate_html(&self, pages: &[(&'static str, Page)]) -> Vec<Problem> {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = pages
            .iter()
            .enumerate()
            .map(|(n, (_, page))| {
                let file = dir.path().join(format!("page-{n}.html"));
                std::fs::write(&file, &page.html).unwrap();
                file
            })
            .collect();
        let java = std::env::var("JAVA").unwrap_or_else(|_| "java".into());
        let output = std::process::Command::new(&java)
            .arg("-jar")
            .arg(self.root.join("vnu-jar/build/dist/vnu.jar"))
            .args(["--errors-only", "--format", "json"])
            // Outlook's own CSS (`mso-hide` keeps an email's preheader out of view there) is no
            // CSS the checker knows; it is the one thing emails carry for a mail client, not a browser.
            .args(["--filterpattern", ".*Property “mso-[a-z-]+” doesn.t exist.*"])
            .args(&files)
            .output()
            .unwrap_or_else(|err| panic!("cannot run {java} ({err}); scripts/test installs a Java runtime"));
        // The report goes to stderr; the exit status only says whether there were errors.
        let report: Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|err| panic!("vnu said something that is not JSON ({err}): {}", String::from_utf8_lossy(&output.stderr)));
        let messages = report["messages"].as_array().cloned().unwrap_or_default();
        assert!(output.status.success() || !messages.is_empty(), "vnu failed without a report: {report}");
        messages
            .iter()
            .map(|message| {
                let url = message["url"].as_str().unwrap_or("");
                let index = url.rsplit("page-").next().and_then(|tail| tail.trim_end_matches(".html").parse::<usize>().ok());
                let (who, path) = index.map(|n| (pages[n].0, pages[n].1.path.clone())).unwrap_or(("?", url.to_owned()));
                let line = message["lastLine"].as_i64().unwrap_or(0);
                let extract = message["extract"].as_str().unwrap_or("").replace('\n', " ");
                Problem {
                    who: who.to_owned(),
                    path,
                    viewport: None,
                    what: format!("html line {line}: {} [{extract}]", message["message"].as_str().unwrap_or("?")),
                }
            })
            .collect()
    }
}
