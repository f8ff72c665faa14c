//! What the recipient's spotlight page (`/p/{token}`) shows of the
//! announcement's discussion: the comments and their reactions, to read;
//! taking part leads to signing in (`owner`), then back to the discussion.

use crate::auth::AuthSession;
use crate::comments::thread::{self, Thread};
use crate::entities::recipient;
use crate::error::Result;
use crate::state::AppState;

pub struct ReadOnlyDiscussion {
    pub thread: Thread,
    /// Where "comment, react or ask" leads: the discussion itself when this
    /// browser is signed in as the recipient, else their sign-in page.
    pub join_url: String,
    pub signed_in: bool,
    pub faces: [(i32, &'static str, &'static str); 5],
}

pub async fn discussion(state: &AppState, recipient: &recipient::Model, token: &str, auth: Option<&AuthSession>) -> Result<ReadOnlyDiscussion> {
    let announcement = recipient.announcement_id;
    let signed_in = auth.is_some_and(|auth| Some(auth.user.id) == recipient.user_id);
    Ok(ReadOnlyDiscussion {
        thread: thread::load_read_only(state, announcement).await?,
        join_url: if signed_in { format!("/news/{announcement}#comments") } else { format!("/p/{token}/sign-in") },
        signed_in,
        faces: crate::comments::feelings::FACES,
    })
}

/// Where "Sign in to share this" leads from the recipient's page: their
/// sign-in page, coming back to the same page.
pub fn share_sign_in_url(token: &str) -> String {
    let back = format!("/p/{token}");
    format!("/p/{token}/sign-in?{}", serde_urlencoded::to_string([("next", back.as_str())]).unwrap_or_default())
}
