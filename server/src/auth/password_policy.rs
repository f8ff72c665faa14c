//! What a new password must be: long enough, and not one that is guessed
//! first. No composition rules (they make passwords harder to remember, not
//! to guess); instead the password may not be a common one, a repeated
//! character or short pattern, or the account's own email or name.
//!
//! `common_passwords.txt` is the first 10,000 entries (lower-cased,
//! printable ASCII, duplicates dropped) of `passwords.json` in the npm package
//! `@zxcvbn-ts/language-common` 4.1.3 (MIT licence, © 2012-2016 Dan Wheeler
//! and Dropbox, Inc., © 2021 @zxcvbn-ts), a frequency-ordered list of leaked passwords.

use std::collections::HashSet;
use std::sync::LazyLock;

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_BYTES: usize = 1024;

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().map(str::trim).filter(|line| !line.is_empty()).collect());

/// Checks a new password for the account with this email and name.
pub fn check(password: &str, email: &str, name: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!("The password must have at least {MIN_PASSWORD_LEN} characters."));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err("The password is too long.".into());
    }
    let lower = password.to_lowercase();
    if is_repetition(&lower) {
        return Err("The password repeats one character or a short pattern; choose something harder to guess.".into());
    }
    if is_common(&lower) {
        return Err("This password is one of the most common passwords and is guessed first; choose another.".into());
    }
    if names_the_account(&lower, email, name) {
        return Err("The password may not be your email address or your name.".into());
    }
    Ok(())
}

/// `aaaaaaaaaa`, `ababababab`, `abcabcabca`: a unit of up to three characters, repeated.
fn is_repetition(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    (1..=3).any(|unit| chars.len() > unit && chars.iter().enumerate().all(|(i, c)| *c == chars[i % unit]))
}

/// In the list as typed, or once the digits and symbols people add at the end are removed.
fn is_common(lower: &str) -> bool {
    if COMMON.contains(lower) {
        return true;
    }
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    stem.chars().count() >= 4 && COMMON.contains(stem)
}

fn letters_and_digits(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn names_the_account(lower: &str, email: &str, name: &str) -> bool {
    let bare = letters_and_digits(lower);
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    let candidates = [letters_and_digits(&email), letters_and_digits(local), letters_and_digits(name)];
    candidates.iter().any(|candidate| candidate.chars().count() >= 4 && (bare == *candidate || bare.contains(candidate.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_uncommon_passwords_pass() {
        for good in ["correct-horse-battery", "another-password-1", "my own password", "long enough pass"] {
            assert_eq!(check(good, "ana.silva@example.com", "Ana Silva"), Ok(()), "{good}");
        }
    }

    #[test]
    fn guessable_passwords_are_refused() {
        for bad in ["short", "aaaaaaaaaa", "AAAAAAAAAAAA", "ababababab", "abcabcabcabc", "1111111111", "qwertyuiop", "password123", "Password123!", "1234567890", "iloveyou2024!"] {
            assert!(check(bad, "ana.silva@example.com", "Ana Silva").is_err(), "{bad}");
        }
        assert!(check("ana.silva@example.com", "ana.silva@example.com", "Ana Silva").unwrap_err().contains("email"));
        assert!(check("AnaSilva-2024", "ana.silva@example.com", "Ana Silva").is_err());
        assert!(check("x".repeat(2000).as_str() , "a@example.com", "A").is_err());
    }

    #[test]
    fn the_list_is_shipped() {
        assert_eq!(COMMON.len(), 10_000);
        assert!(COMMON.contains("password") && COMMON.contains("qwertyuiop"));
    }
}
