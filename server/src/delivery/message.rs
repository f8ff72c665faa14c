//! Building the MIME message: multipart/alternative with a plain-text and an
//! HTML part, a stable Message-ID, and a List-Id naming the announcement.

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;

use crate::spotlights::render::RenderedEmail;

pub struct Outgoing<'a> {
    pub from: &'a Mailbox,
    pub to_email: &'a str,
    pub to_name: &'a str,
    pub message_id: &'a str,
    /// `(title, announcement id)` for announcement messages.
    pub list: Option<(&'a str, i32)>,
    pub host: &'a str,
    pub email: &'a RenderedEmail,
}

pub fn build(outgoing: Outgoing<'_>) -> Result<Message, String> {
    let to_address = outgoing.to_email.parse().map_err(|err| format!("the address {} is not valid: {err}", outgoing.to_email))?;
    let name = (!outgoing.to_name.trim().is_empty()).then(|| outgoing.to_name.to_owned());
    let mut builder = Message::builder()
        .from(outgoing.from.clone())
        .to(Mailbox::new(name, to_address))
        .subject(outgoing.email.subject.clone())
        .message_id(Some(outgoing.message_id.to_owned()));
    if let Some((title, id)) = outgoing.list {
        let clean: String = title.chars().filter(|c| !c.is_control() && *c != '"' && *c != '\\').take(80).collect();
        let value = format!("\"{clean}\" <announcement-{id}.{}>", outgoing.host);
        builder = builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Id"), value));
        builder = builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".into()));
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(outgoing.email.text.clone()))
                .singlepart(SinglePart::html(outgoing.email.html.clone())),
        )
        .map_err(|err| err.to_string())
}
