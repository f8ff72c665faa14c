//! Confirmations after a save ("Saved", "Comment hidden"): the handler
//! redirects with `?notice=<key>` and the layout shows the message above the
//! page. Only the keys below are shown, so a link cannot make Herald say
//! something it did not; a reload shows the confirmation again, which is
//! harmless, and it works without JavaScript or a session store.

use axum::response::Redirect;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Saved,
    UserUpdated,
    UserDeactivated,
    UserReactivated,
    CommentHidden,
    CommentShown,
    CommentApproved,
    CommentDeleted,
    ReportDismissed,
    ReportSent,
    WebhookPaused,
    WebhookResumed,
    WebhookDeleted,
    BlastCancelled,
    PrivacyChanged,
}

const ALL: [Notice; 15] = [
    Notice::Saved,
    Notice::UserUpdated,
    Notice::UserDeactivated,
    Notice::UserReactivated,
    Notice::CommentHidden,
    Notice::CommentShown,
    Notice::CommentApproved,
    Notice::CommentDeleted,
    Notice::ReportDismissed,
    Notice::ReportSent,
    Notice::WebhookPaused,
    Notice::WebhookResumed,
    Notice::WebhookDeleted,
    Notice::BlastCancelled,
    Notice::PrivacyChanged,
];

impl Notice {
    pub fn key(self) -> &'static str {
        match self {
            Notice::Saved => "saved",
            Notice::UserUpdated => "user-updated",
            Notice::UserDeactivated => "user-deactivated",
            Notice::UserReactivated => "user-reactivated",
            Notice::CommentHidden => "comment-hidden",
            Notice::CommentShown => "comment-shown",
            Notice::CommentApproved => "comment-approved",
            Notice::CommentDeleted => "comment-deleted",
            Notice::ReportDismissed => "report-dismissed",
            Notice::ReportSent => "report-sent",
            Notice::WebhookPaused => "webhook-paused",
            Notice::WebhookResumed => "webhook-resumed",
            Notice::WebhookDeleted => "webhook-deleted",
            Notice::BlastCancelled => "blast-cancelled",
            Notice::PrivacyChanged => "privacy-changed",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Notice::Saved => "Saved.",
            Notice::UserUpdated => "Saved: the person's details are updated.",
            Notice::UserDeactivated => "Deactivated: they are signed out everywhere.",
            Notice::UserReactivated => "Reactivated: they can sign in again.",
            Notice::CommentHidden => "Comment hidden.",
            Notice::CommentShown => "Comment shown again.",
            Notice::CommentApproved => "Comment approved: everyone in the discussion can see it now.",
            Notice::CommentDeleted => "Comment deleted.",
            Notice::ReportDismissed => "Report dismissed.",
            Notice::ReportSent => "Thank you: the HR team will look at this comment.",
            Notice::WebhookPaused => "Webhook paused.",
            Notice::WebhookResumed => "Webhook resumed.",
            Notice::WebhookDeleted => "Webhook deleted.",
            Notice::BlastCancelled => "Sending cancelled: no further emails go out.",
            Notice::PrivacyChanged => "Saved. Employees now see the new setting.",
        }
    }

    /// The notice a query string names, if it names a known one.
    pub fn from_query(query: &str) -> Option<Notice> {
        let key = query.split('&').find_map(|pair| pair.strip_prefix("notice="))?;
        ALL.into_iter().find(|notice| notice.key() == key)
    }
}

/// A redirect to `to` that shows `notice` there; a `#fragment` stays last.
pub fn redirect(to: &str, notice: Notice) -> Redirect {
    Redirect::to(&with_notice(to, notice))
}

pub fn with_notice(to: &str, notice: Notice) -> String {
    let (path, fragment) = match to.split_once('#') {
        Some((path, fragment)) => (path, format!("#{fragment}")),
        None => (to, String::new()),
    };
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}notice={}{fragment}", notice.key())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_goes_before_the_fragment_and_only_known_keys_come_back() {
        assert_eq!(with_notice("/moderation#c-4", Notice::CommentHidden), "/moderation?notice=comment-hidden#c-4");
        assert_eq!(with_notice("/admin/users?q=ana", Notice::Saved), "/admin/users?q=ana&notice=saved");
        assert_eq!(Notice::from_query("q=ana&notice=saved"), Some(Notice::Saved));
        assert_eq!(Notice::from_query("notice=You+were+hacked"), None);
        for notice in ALL {
            assert_eq!(Notice::from_query(&format!("notice={}", notice.key())), Some(notice));
        }
    }
}
