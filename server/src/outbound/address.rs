//! Which addresses are internal: everything but the public unicast Internet.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// Whether Herald may connect to `ip`: a public address, or one inside a
/// network the operator allowed.
pub fn permitted(ip: IpAddr, allow: &[IpNet]) -> bool {
    let embedded = embedded_ipv4(ip);
    let allowed = |ip: IpAddr| allow.iter().any(|net| net.contains(&ip));
    if allowed(ip) || embedded.is_some_and(|v4| allowed(v4.into())) {
        return true;
    }
    match (ip, embedded) {
        (_, Some(v4)) => !internal_v4(v4),
        (IpAddr::V4(v4), None) => !internal_v4(v4),
        (IpAddr::V6(v6), None) => !internal_v6(v6),
    }
}

/// The IPv4 address an IPv6 one stands for: mapped (`::ffff:a.b.c.d`),
/// compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`).
fn embedded_ipv4(ip: IpAddr) -> Option<Ipv4Addr> {
    let IpAddr::V6(v6) = ip else { return None };
    let s = v6.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && !(s[6] == 0 && s[7] <= 1) {
        return Some(tail);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(tail);
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8));
    }
    None
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || a == 0 // "this network"
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, cloud metadata
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || ip.is_documentation()
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || ip.is_multicast()
        || a >= 240 // reserved, and the broadcast address
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x2001 && s[1] == 0) // Teredo: reaches IPv4 behind NAT
        || s[..4] == [0x100, 0, 0, 0] // discard
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> bool {
        permitted(text.parse().unwrap(), &[])
    }

    #[test]
    fn internal_ranges_are_refused() {
        for internal in [
            "127.0.0.1", "127.255.0.9", "0.0.0.0", "0.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254",
            "100.64.0.1", "100.127.255.254", "192.0.0.8", "198.18.0.1", "224.0.0.251", "239.1.1.1", "240.0.0.1", "255.255.255.255",
            "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::169.254.169.254", "2002:a00:1::", "fc00::1", "fd12:3456::1",
            "fe80::1", "fec0::1", "ff02::1", "2001:db8::1", "2001:0:4136:e378::1", "100::1",
        ] {
            assert!(!ok(internal), "{internal}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for public in ["93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::"] {
            assert!(ok(public), "{public}");
        }
    }
}
