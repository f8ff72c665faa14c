//! Tracking tokens: what a personal link in an email stands for, signed so
//! that nobody can make one up or change the recipient or link it names.
//!
//! A token is `purpose (1 byte) | recipient id (4) | link id (4) | HMAC-SHA256
//! truncated to 12 bytes (96 bits)`, written in URL-safe base64 (28
//! characters). It names ids only; where a click leads is looked up in the
//! database, so a token can never carry a redirect target of its own.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const MAC_LEN: usize = 12;
const PAYLOAD_LEN: usize = 9;
const TOKEN_LEN: usize = PAYLOAD_LEN + MAC_LEN;
/// Longest encoded form; anything longer is rejected before decoding.
pub const ENCODED_LEN: usize = 28;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The recipient's personal spotlight page.
    Page = 1,
    /// A click on a link of the email.
    Click = 2,
    /// The open-tracking pixel.
    Open = 3,
    /// The link back to a thread in "HR answered your question": the
    /// question's id and its asker's user id.
    Answer = 4,
}

impl Purpose {
    fn from_byte(byte: u8) -> Option<Purpose> {
        match byte {
            1 => Some(Purpose::Page),
            2 => Some(Purpose::Click),
            3 => Some(Purpose::Open),
            4 => Some(Purpose::Answer),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackingToken {
    pub purpose: Purpose,
    pub recipient_id: i32,
    /// `announcement_links.id` for clicks, 0 otherwise.
    pub link_id: i32,
}

/// The secret every Herald server of one installation shares (kept in the
/// database). It signs tokens only: the visitor hash is keyed apart, outside
/// the database (`visitor_key`).
#[derive(Clone)]
pub struct TokenKey {
    /// HMAC state with the key already absorbed: every redirect checks a
    /// signature, and keying a fresh HMAC each time doubled the hashing.
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

impl TokenKey {
    pub fn new(secret: [u8; 32]) -> TokenKey {
        TokenKey { keyed: Hmac::<Sha256>::new_from_slice(&secret).expect("HMAC takes keys of any length") }
    }

    fn mac(&self, payload: &[u8]) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        mac.update(payload);
        mac.finalize().into_bytes().into()
    }

    pub fn sign(&self, token: TrackingToken) -> String {
        let mut bytes = [0u8; TOKEN_LEN];
        bytes[0] = token.purpose as u8;
        bytes[1..5].copy_from_slice(&token.recipient_id.to_be_bytes());
        bytes[5..9].copy_from_slice(&token.link_id.to_be_bytes());
        let mac = self.mac(&bytes[..PAYLOAD_LEN]);
        bytes[PAYLOAD_LEN..].copy_from_slice(&mac[..MAC_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The token's contents when it is well-formed and its signature is right.
    pub fn verify(&self, encoded: &str, purpose: Purpose) -> Option<TrackingToken> {
        if encoded.len() != ENCODED_LEN {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
        if bytes.len() != TOKEN_LEN {
            return None;
        }
        let expected = self.mac(&bytes[..PAYLOAD_LEN]);
        // Constant-time comparison: timing must not reveal how much of a guess was right.
        if !bool::from(subtle::ConstantTimeEq::ct_eq(&expected[..MAC_LEN], &bytes[PAYLOAD_LEN..])) {
            return None;
        }
        let token = TrackingToken {
            purpose: Purpose::from_byte(bytes[0])?,
            recipient_id: i32::from_be_bytes(bytes[1..5].try_into().ok()?),
            link_id: i32::from_be_bytes(bytes[5..9].try_into().ok()?),
        };
        (token.purpose == purpose).then_some(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> TokenKey {
        TokenKey::new([7u8; 32])
    }

    #[test]
    fn round_trips_and_has_fixed_length() {
        let token = TrackingToken { purpose: Purpose::Click, recipient_id: 42, link_id: 9 };
        let encoded = key().sign(token);
        assert_eq!(encoded.len(), ENCODED_LEN);
        assert_eq!(key().verify(&encoded, Purpose::Click), Some(token));
    }

    #[test]
    fn rejects_tampering_other_keys_and_other_purposes() {
        let encoded = key().sign(TrackingToken { purpose: Purpose::Page, recipient_id: 1, link_id: 0 });
        assert_eq!(key().verify(&encoded, Purpose::Click), None);
        assert_eq!(TokenKey::new([8u8; 32]).verify(&encoded, Purpose::Page), None);
        for position in 0..encoded.len() {
            let mut bytes = encoded.clone().into_bytes();
            bytes[position] = if bytes[position] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(bytes).unwrap();
            assert_eq!(key().verify(&tampered, Purpose::Page), None, "tampered at {position}");
        }
        for garbage in ["", "..%2F..", &"A".repeat(28), &"A".repeat(5000), "////////////////////////////"] {
            assert_eq!(key().verify(garbage, Purpose::Page), None);
        }
    }
}
