//! Templates as the sandbox children know them: a blast renders one template
//! for every recipient, so its sources cross to a child once and are named by
//! their digest after that.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The SHA-256 of a template's parts: two templates with the same key are the same template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateKey([u8; 32]);

/// The three parts as HR wrote them, and whether unknown variables are errors.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sources {
    pub subject: String,
    pub html: String,
    pub text: String,
    pub strict: bool,
}

/// A template ready to be rendered in the sandbox; cheap to clone.
#[derive(Clone, Debug)]
pub struct Template {
    key: TemplateKey,
    sources: Arc<Sources>,
}

impl Template {
    pub fn new(subject: &str, html: &str, text: &str, strict: bool) -> Template {
        let mut digest = Sha256::new();
        for part in [subject, html, text] {
            // Lengths first, so no two different splits of the same bytes collide.
            digest.update((part.len() as u64).to_le_bytes());
            digest.update(part.as_bytes());
        }
        digest.update([u8::from(strict)]);
        let sources = Sources { subject: subject.to_owned(), html: html.to_owned(), text: text.to_owned(), strict };
        Template { key: TemplateKey(digest.finalize().into()), sources: Arc::new(sources) }
    }

    /// Just a subject line (the other parts empty), e.g. an announcement's own subject.
    pub fn subject(subject: &str) -> Template {
        Template::new(subject, "", "", false)
    }

    pub fn key(&self) -> TemplateKey {
        self.key
    }

    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// How the template travels: by key alone when the child already has it.
    pub fn part(&self, child_knows: bool) -> Part {
        Part { key: self.key, sources: (!child_knows).then(|| (*self.sources).clone()) }
    }
}

/// A template in a job: its key, and its sources unless the child has them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Part {
    pub key: TemplateKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Sources>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_names_all_three_parts_and_strictness() {
        let base = Template::new("s", "h", "t", false).key();
        assert_eq!(base, Template::new("s", "h", "t", false).key());
        assert_ne!(base, Template::new("s", "h", "t", true).key());
        assert_ne!(base, Template::new("sh", "", "t", false).key());
        assert_ne!(base, Template::new("s", "h", "t2", false).key());
    }
}
