//! One topic of a trend report and its figures: the negative share with its
//! numbers, the change from the period before and why it is hot-button, by
//! a rule the report states in words.

use super::key_phrases::KeyPhrase;
use super::trend_subjects::{Example, TopicKey};

/// Comments a topic needs in the period to be hot-button.
pub const HOT_MIN_VOLUME: u32 = 3;
/// "Mostly negative" means more than this percentage negative.
pub const MOSTLY_NEGATIVE_PERCENT: u32 = 60;

/// Why a topic is hot-button; a topic may have more than one reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HotReason {
    MostlyNegative,
    New,
    UpSharply,
}

impl HotReason {
    pub fn as_str(self) -> &'static str {
        match self {
            HotReason::MostlyNegative => "mostly negative",
            HotReason::New => "new",
            HotReason::UpSharply => "up sharply",
        }
    }
}

/// The rule for hot-button topics, in words, as pages and emails state it.
pub fn hot_rule() -> String {
    format!(
        "Hot-button: {HOT_MIN_VOLUME} or more comments and questions in the period, and more than {MOSTLY_NEGATIVE_PERCENT}% of them negative \
         (mostly negative), or none the period before (new), or at least twice as many as the period before (up sharply)."
    )
}

#[derive(Clone, Debug)]
pub struct Topic {
    pub key: TopicKey,
    pub label: String,
    /// Comments and questions in the period, each counted under this topic only.
    pub volume: u32,
    pub questions: u32,
    pub negative: u32,
    pub mean_sentiment: f64,
    pub previous_volume: u32,
    /// Comments and questions so far in the current period, when the report shows it.
    pub current_volume: u32,
    pub hot: Vec<HotReason>,
    /// Phrases at least [`MIN_PHRASE_COMMENTS`] of the period's comments on the topic share.
    pub phrases: Vec<KeyPhrase>,
    pub examples: Vec<Example>,
}

impl Topic {
    pub fn kind(&self) -> &'static str {
        self.key.kind()
    }

    /// Comments that are not questions.
    pub fn comments(&self) -> u32 {
        self.volume - self.questions
    }

    pub fn negative_share(&self) -> f64 {
        if self.volume == 0 { 0.0 } else { f64::from(self.negative) / f64::from(self.volume) }
    }

    /// "60% negative (3 of 5)".
    pub fn negative_text(&self) -> String {
        format!("{:.0}% negative ({} of {})", self.negative_share() * 100.0, self.negative, self.volume)
    }

    /// "+12", "-3", "0", or "new" when the period before had none.
    pub fn change(&self) -> String {
        if self.previous_volume == 0 {
            return "new".into();
        }
        match i64::from(self.volume) - i64::from(self.previous_volume) {
            0 => "0".into(),
            delta => format!("{delta:+}"),
        }
    }

    /// "mostly negative, up sharply", or "" when not hot-button.
    pub fn hot_text(&self) -> String {
        self.hot.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// "dental coverage (4); coverage cut (2)".
    pub fn phrases_text(&self) -> String {
        self.phrases.iter().map(|p| format!("{} ({})", p.text, p.comments)).collect::<Vec<_>>().join("; ")
    }

    pub(super) fn hot_reasons(&self) -> Vec<HotReason> {
        if self.volume < HOT_MIN_VOLUME {
            return Vec::new();
        }
        let mut reasons = Vec::new();
        if self.negative * 100 > self.volume * MOSTLY_NEGATIVE_PERCENT {
            reasons.push(HotReason::MostlyNegative);
        }
        if self.previous_volume == 0 {
            reasons.push(HotReason::New);
        } else if self.volume >= 2 * self.previous_volume {
            reasons.push(HotReason::UpSharply);
        }
        reasons
    }
}
