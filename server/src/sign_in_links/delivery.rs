//! The outbox's side of link emails: which message kinds carry a link, and
//! writing the link into such a message when it goes out.

use sea_orm::DatabaseConnection;

use super::{email, store};
use crate::clock::Clock;
use crate::entities::outbox;
use crate::entities::sign_in_link::Purpose;
use crate::spotlights::render::RenderedEmail;

pub fn kind_of(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::SignIn => "sign_in_link",
        Purpose::Invitation => "invitation",
        Purpose::PasswordReset => "password_reset",
    }
}

pub fn carries_link(kind: &str) -> bool {
    matches!(kind, "sign_in_link" | "invitation" | "password_reset")
}

/// The path a link of this purpose opens; the secret follows in the query,
/// which request logs leave out (they record the path only).
pub fn path_of(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::SignIn | Purpose::Invitation => "/login/link/open",
        Purpose::PasswordReset => "/login/reset/open",
    }
}

/// The message with its link written in. A link that can no longer be used
/// is not sent: the error fails the message for good.
pub async fn write(db: &DatabaseConnection, clock: &Clock, message: &outbox::Model, base: &str) -> Result<RenderedEmail, String> {
    let (link, secret) = match store::mint(db, clock.now(), &message.message_id).await.map_err(|err| err.to_string())? {
        Ok(minted) => minted,
        Err(reason) => return Err(reason.to_owned()),
    };
    let url = format!("{base}{}?token={secret}", path_of(link.purpose));
    Ok(RenderedEmail {
        subject: message.subject.clone(),
        text: message.text_body.replace(email::LINK, &url),
        html: message.html_body.replace(email::LINK, &url),
    })
}
