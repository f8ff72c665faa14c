//! Signing deliveries so receivers can tell they came from Herald and were
//! not replayed long after: HMAC-SHA256, keyed with the webhook's secret
//! (the hex text exactly as shown to the admin), over `"<timestamp>.<body>"`.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// A new webhook's secret: 32 random bytes as 64 hex characters.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The `X-Herald-Signature` value: `sha256=<hex>`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_timestamp_and_body_with_the_secret_text() {
        // python3 -c "import hmac,hashlib; print(hmac.new(b'7f3a', b'1700000000.{\"event\":\"ping\"}', hashlib.sha256).hexdigest())"
        assert_eq!(
            sign("7f3a", 1_700_000_000, br#"{"event":"ping"}"#),
            "sha256=7847ea06b5eef7b4662dbd6555d8b3697066d05a819f265a553d4fcdf42bbb36"
        );
    }

    #[test]
    fn any_change_changes_the_signature() {
        let body = br#"{"event":"ping"}"#;
        let signed = sign("7f3a", 1_700_000_000, body);
        assert_ne!(signed, sign("7f3b", 1_700_000_000, body));
        assert_ne!(signed, sign("7f3a", 1_700_000_001, body));
        assert_ne!(signed, sign("7f3a", 1_700_000_000, br#"{"event":"pong"}"#));
    }

    #[test]
    fn secrets_are_64_hex_characters_and_differ() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
