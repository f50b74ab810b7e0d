use super::MAX_VERSION_CHARS;
use super::build::{date_time, hash, truncate_chars};
use super::format_uuid;
use super::iri::iri_escape;
use super::xml;

#[test]
fn uuid_version_and_variant_bits() {
    assert_eq!(
        format_uuid([0xff; 16], 4),
        "ffffffff-ffff-4fff-bfff-ffffffffffff"
    );
    assert_eq!(
        format_uuid([0; 16], 8),
        "00000000-0000-8000-8000-000000000000"
    );
}

#[test]
fn hashes_are_normalized_or_refused() {
    let h = hash("sha256", &"AB".repeat(32)).unwrap();
    assert_eq!(
        (h.alg, h.content.as_str()),
        ("SHA-256", "ab".repeat(32).as_str())
    );
    assert_eq!(hash("SHA-512", &"0".repeat(128)).unwrap().alg, "SHA-512");
    assert_eq!(hash("sha3-256", &"0".repeat(64)).unwrap().alg, "SHA3-256");
    assert_eq!(
        hash("BLAKE2b-512", &"0".repeat(128)).unwrap().alg,
        "BLAKE2b-512"
    );
    assert!(hash("SHA-256", "abc").is_none(), "wrong length");
    assert!(hash("SHA-256", &"zz".repeat(32)).is_none(), "not hex");
    assert!(hash("CRC32", "00000000").is_none(), "unknown algorithm");
}

#[test]
fn iri_escaping() {
    let cases = [
        ("https://x/a b", "https://x/a%20b"),
        ("https://x/%20ok", "https://x/%20ok"),
        ("https://x/100%", "https://x/100%25"),
        ("https://x/é?q=ü#frag", "https://x/é?q=ü#frag"),
        ("https://u:p@host:8080/p", "https://u:p@host:8080/p"),
        ("http://[::1]:80/x", "http://[::1]:80/x"),
        ("https://x/a#b#c", "https://x/a#b%23c"),
        ("https://x/[a]", "https://x/%5Ba%5D"),
        ("a\\b<c>\u{7f}", "a%5Cb%3Cc%3E%7F"),
        (":", "%3A"),
        ("a:b/c:d", "a:b/c:d"),
        ("1a:b", "1a%3Ab"),
        ("", ""),
        ("https://host:port/x", "https%3A%2F%2Fhost%3Aport%2Fx"),
        ("http://[zz]/", "http%3A%2F%2F%5Bzz%5D%2F"),
    ];
    for (input, want) in cases {
        assert_eq!(iri_escape(input), want, "{input:?}");
    }
}

#[test]
fn date_times_are_checked() {
    let ok = |s: &str| date_time(&Some(s.to_string())).is_some();
    assert!(ok("2024-01-03T17:15:00Z"));
    assert!(ok("2024-01-03T17:15:00.123+02:00"));
    assert!(!ok("2024-01-03"));
    assert!(!ok("2024-01-03T17:15:00"));
    assert!(!ok("2024-01-03T17:15:00.Z"));
    assert!(!ok("2024-01-03T17:15:00+0200"));
    assert!(!ok("2024-01-03T17:15:00Zjunk"));
    assert!(!ok("२०२४-01-03T17:15:00Z"));
}

#[test]
fn xml_escapes_and_replaces_invalid_chars() {
    let mut s = String::new();
    xml::escape_for_test(&mut s, "a<b>&\"c\"\u{0}\u{FFFE}\r", true);
    assert_eq!(s, "a&lt;b&gt;&amp;&quot;c&quot;\u{FFFD}\u{FFFD}&#xD;");
}

#[test]
fn versions_are_truncated_to_the_schema_limit() {
    let long = "9".repeat(2000);
    assert_eq!(
        truncate_chars(&long, MAX_VERSION_CHARS).chars().count(),
        1024
    );
    assert_eq!(truncate_chars("ü".repeat(3).as_str(), 2), "üü");
}
