//! The social channels HR posts to, with the length each one allows.

/// One channel. Where a network counts every link as a fixed length (X and
/// Mastodon count 23), `link_length` says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Channel {
    pub key: &'static str,
    pub name: &'static str,
    pub limit: usize,
    pub link_length: Option<usize>,
}

pub const CHANNELS: [Channel; 8] = [
    Channel { key: "x", name: "X / Twitter", limit: 280, link_length: Some(23) },
    Channel { key: "linkedin", name: "LinkedIn", limit: 3000, link_length: None },
    Channel { key: "yammer", name: "Viva Engage / Yammer", limit: 10000, link_length: None },
    Channel { key: "slack", name: "Slack", limit: 4000, link_length: None },
    Channel { key: "teams", name: "Microsoft Teams", limit: 28000, link_length: None },
    Channel { key: "mastodon", name: "Mastodon", limit: 500, link_length: Some(23) },
    Channel { key: "intranet", name: "Intranet", limit: 10000, link_length: None },
    Channel { key: "poster", name: "Poster (QR code)", limit: 300, link_length: None },
];

/// The channel of employees' own shares (not one HR posts to).
pub const SHARE: &str = "share";

pub fn find(key: &str) -> Option<Channel> {
    CHANNELS.into_iter().find(|channel| channel.key == key)
}

/// The placeholder HR may put in a post where the link goes; without it
/// the link is added at the end.
pub const LINK_PLACEHOLDER: &str = "{link}";

/// The post as it will be published.
pub fn compose(body: &str, link: &str) -> String {
    let body = body.trim();
    if body.contains(LINK_PLACEHOLDER) {
        body.replace(LINK_PLACEHOLDER, link)
    } else if body.is_empty() {
        link.to_owned()
    } else {
        format!("{body}\n{link}")
    }
}

/// The length the channel will count: characters, with every web address
/// counted as `link_length` where the channel does that. The page's counter
/// (assets/herald.js) counts the same way.
pub fn counted_length(channel: Channel, text: &str) -> usize {
    let Some(link_length) = channel.link_length else { return text.chars().count() };
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                link_length + (word.chars().count() - trimmed.chars().count())
            } else {
                word.chars().count()
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_count_as_23_where_the_network_says_so() {
        let x = find("x").unwrap();
        let post = compose("Dental changes", "https://herald.example.com/s/AbC1234");
        assert_eq!(counted_length(x, &post), "Dental changes\n".len() + 23);
        let linkedin = find("linkedin").unwrap();
        assert_eq!(counted_length(linkedin, &post), post.chars().count());
        assert_eq!(compose("Read {link} today", "L"), "Read L today");
        assert_eq!(compose("  ", "L"), "L");
    }
}
