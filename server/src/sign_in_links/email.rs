//! What the three kinds of link email say. The link itself is written in
//! only when the outbox sends the message: until then the bodies hold
//! [`LINK`], so the outbox never stores a usable secret.

use chrono::Duration;

use crate::config::Config;
use crate::entities::sign_in_link::Purpose;
use crate::entities::user;
use crate::spotlights::render::RenderedEmail;

/// Stands for the link in a queued message's bodies.
pub const LINK: &str = "%%HERALD_SIGN_IN_LINK%%";

/// "30 minutes", "7 days", "1 hour".
pub fn plain_duration(lifetime: Duration) -> String {
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    if lifetime.num_days() >= 1 && lifetime.num_hours() % 24 == 0 {
        plural(lifetime.num_days(), "day")
    } else if lifetime.num_hours() >= 1 && lifetime.num_minutes() % 60 == 0 {
        plural(lifetime.num_hours(), "hour")
    } else {
        plural(lifetime.num_minutes(), "minute")
    }
}

pub fn compose(config: &Config, person: &user::Model, purpose: Purpose, lifetime: Duration) -> RenderedEmail {
    let escape = |text: &str| askama::filters::escape(text, askama::filters::Html).map(|s| s.to_string()).unwrap_or_default();
    let first_name = person.name.split_whitespace().next().unwrap_or(&person.name).to_owned();
    let organisation = &config.mail.organisation;
    let valid = plain_duration(lifetime);
    let (subject, intro, button, outro) = match purpose {
        Purpose::SignIn => (
            "Your sign-in link for Herald".to_owned(),
            "Someone (we hope you) asked for a link to sign in to Herald with this address.".to_owned(),
            "Sign in to Herald",
            format!("The link works once, within {valid}. If you did not ask for it, ignore this message: nobody can use it without access to your mailbox."),
        ),
        Purpose::Invitation => (
            format!("{organisation} invites you to Herald"),
            format!("{organisation} uses Herald for announcements, the benefits and policy library, and your comments and questions. Your account is ready."),
            "Accept the invitation",
            format!("The link signs you in once, within {valid}. Later, ask for a new sign-in link on the sign-in page at any time."),
        ),
        Purpose::PasswordReset => (
            "Reset your Herald password".to_owned(),
            "Someone (we hope you) asked to reset the password of the Herald account with this address.".to_owned(),
            "Choose a new password",
            format!("The link works once, within {valid}. Choosing a new password signs out every other session and revokes your API tokens. If you did not ask for it, ignore this message: your password stays as it is."),
        ),
    };
    RenderedEmail {
        text: format!("Hello {first_name},\n\n{intro}\n\n{button}: {LINK}\n\n{outro}\n\n{organisation}\n"),
        html: format!(
            "<p>Hello {},</p><p>{}</p><p><a href=\"{LINK}\" style=\"display:inline-block;padding:10px 18px;background:#1f4e79;color:#ffffff;text-decoration:none;border-radius:4px\">{}</a></p>\
             <p style=\"color:#555555\">{}</p><p>{}</p>",
            escape(&first_name),
            escape(&intro),
            escape(button),
            escape(&outro),
            escape(organisation)
        ),
        subject,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_read_as_people_say_them() {
        assert_eq!(plain_duration(Duration::minutes(30)), "30 minutes");
        assert_eq!(plain_duration(Duration::days(7)), "7 days");
        assert_eq!(plain_duration(Duration::minutes(60)), "1 hour");
        assert_eq!(plain_duration(Duration::minutes(90)), "90 minutes");
    }

    #[test]
    fn names_are_escaped_and_the_link_is_left_for_later() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), None, Default::default()).unwrap();
        let now = chrono::Utc::now();
        let person = user::Model {
            id: 1, email: "ann@example.com".into(), name: "<b>Ann</b> Lee".into(), department: String::new(), location: String::new(),
            manager_email: None, role: "employee".into(), password_hash: None, must_change_password: false, active: true, hard_bounces: 0,
            created_at: now, updated_at: now,
        };
        let email = compose(&config, &person, Purpose::Invitation, Duration::days(7));
        assert!(email.html.contains("&#60;b&#62;Ann&#60;/b&#62;") && !email.html.contains("<b>Ann"));
        assert!(email.html.contains(LINK) && email.text.contains(LINK) && email.text.contains("7 days"));
    }
}
