//! The URL checker: what it accepts and refuses, and that it is never looser than
//! the WHATWG parser (the `url` crate) on hand-picked and generated inputs.

use kie_suno_types::{CallbackUrl, HttpUrl, ValidationError};

/// What the `url` crate makes of an input we accepted: it must parse, be http(s)
/// and have the host we saw.
fn whatwg_agrees(raw: &str) {
    let u = url::Url::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: url crate refuses: {e}"));
    assert!(matches!(u.scheme(), "http" | "https"), "{raw:?}");
    let host = u.host_str().unwrap_or_default();
    assert!(!host.is_empty(), "{raw:?}");
    // Our notion of the host is the text between `://` and the port / path.
    let rest = raw.split_once("://").map(|(_, r)| r).unwrap_or_default();
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let ours = if authority.starts_with('[') {
        &authority[..=authority.find(']').unwrap()]
    } else {
        authority.split(':').next().unwrap()
    };
    if ours.starts_with('[') {
        // The url crate prints IPv6 in its canonical form.
        let a: std::net::Ipv6Addr = ours[1..ours.len() - 1].parse().unwrap();
        let b: std::net::Ipv6Addr = host[1..host.len() - 1].parse().unwrap();
        assert_eq!(a, b, "{raw:?}");
    } else {
        assert_eq!(ours.to_ascii_lowercase(), host, "{raw:?}");
    }
}

#[test]
fn accepts_absolute_http_urls_and_keeps_them_verbatim() {
    for raw in [
        "http://example.com",
        "https://example.com/",
        "HTTPS://Example.COM/Path",
        "hTtP://a",
        "https://api.example.com/callback?task=1&x=%2F#frag",
        "https://example.com:8443/cb",
        "http://localhost:1/",
        "http://localhost:65535",
        "http://127.0.0.1:3000/sim/sink",
        "http://192.0.2.255/",
        "http://[::1]:8080/cb",
        "http://[2001:db8::1]/",
        "http://[::ffff:192.0.2.1]/",
        "https://example.com./trailing-dot",
        "http://my_service:8080/cb",
        "https://xn--mnchen-3ya.de/",
        "https://a-b.c-d.example/",
        "https://cdn.example.com/file.mp3?X-Amz-Signature=abc&X-Amz-Date=20250101T000000Z",
        "https://example.com/~user/a;b,c!$'()*+=:@/",
        "https://example.com/caf\u{e9}",
        "https://example.com?q",
        "https://example.com#f",
        // Characters RFC 3986 wants encoded but WHATWG parsers and HTTP clients accept
        // (and encode when sending): refusing them would refuse working callback URLs.
        "http://example.com/?a[]=1&b={x}",
        "http://127.0.0.1:3000/sim/sink?x=[sim:generate-failed]",
        "http://example.com/a|b^c`d\"e<f>",
        "https://tempfile.1f6cxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxbd98",
    ] {
        let u = HttpUrl::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        assert_eq!(u.as_str(), raw);
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            serde_json::to_string(raw).unwrap()
        );
        whatwg_agrees(raw);
    }
}

fn refused(raw: &str) -> String {
    match HttpUrl::parse(raw) {
        Ok(_) => panic!("{raw:?} was accepted"),
        Err(ValidationError::InvalidUrl { field, reason }) => {
            assert_eq!(field, "url");
            reason.into_owned()
        }
        Err(other) => panic!("{raw:?}: {other:?}"),
    }
}

#[test]
fn refuses_what_is_not_an_absolute_http_url() {
    for (raw, why) in [
        ("", "empty"),
        ("example.com/cb", "not absolute"),
        ("/relative", "not absolute"),
        ("http:/example.com", "not absolute"),
        ("http:example.com", "not absolute"),
        ("ftp://example.com/", "scheme"),
        ("javascript://example.com/", "scheme"),
        ("https+x://example.com/", "scheme"),
        ("http://", "no host"),
        ("http:///path", "no host"),
        ("http://:80/", "no host"),
        ("https://user:pw@example.com/", "userinfo"),
        ("https://good.example@evil.example/", "userinfo"),
        ("https://@example.com/", "userinfo"),
        ("http://example.com:/", "port"),
        ("http://example.com:0/", "port"),
        ("http://example.com:65536/", "port"),
        ("http://example.com:123456/", "port"),
        ("http://example.com:8a/", "port"),
        ("http://example.com:80:80/", "port"),
        ("http://[::1/", "unclosed"),
        ("http://[::1]x/", "after the host"),
        ("http://[nope]/", "IPv6"),
        ("http://[fe80::1%25eth0]/", "IPv6"),
        ("http://1.2.3/", "IPv4"),
        ("http://256.1.1.1/", "IPv4"),
        ("http://01.2.3.4/", "IPv4"),
        ("http://1.2.3.4.5/", "IPv4"),
        ("http://0x7f/", "IPv4"),
        ("http://example.123/", "IPv4"),
        ("http://exa mple.com/", "whitespace"),
        (" http://example.com/", "whitespace"),
        ("http://example.com/\n", "whitespace"),
        ("http://example.com/a\tb", "whitespace"),
        ("http://example.com/\u{7f}", "control"),
        ("http://example.com/\u{a0}", "whitespace"),
        ("http://ex%41mple.com/", "letters, digits"),
        ("http://ex~ample.com/", "letters, digits"),
        ("http://exa!mple.com/", "letters, digits"),
        ("http://m\u{fc}nchen.de/", "ASCII"),
        ("http://a..b/", "empty label"),
        ("http://.a/", "empty label"),
        ("http://-a.com/", "'-'"),
        ("http://a-.com/", "'-'"),
        ("http://example.com\\@evil.com/", "userinfo"),
        ("http://example.com/a\\b", "backslash"),
        ("http://example.com/100%", "%XX"),
        ("http://example.com/%zz", "%XX"),
        ("http://example.com/%4", "%XX"),
        ("http://example.com/#a#b", "more than one"),
    ] {
        let reason = refused(raw);
        assert!(
            reason.to_lowercase().contains(&why.to_lowercase()),
            "{raw:?}: {reason:?} does not mention {why:?}"
        );
    }
    let long_label = format!("http://{}.com/", "a".repeat(64));
    assert!(refused(&long_label).contains("63"));
    let long_name = format!("http://{}com/", "abcdefghi.".repeat(26));
    assert!(refused(&long_name).contains("253"));
}

#[test]
fn the_field_name_is_the_wire_name() {
    let err = CallbackUrl::parse("ftp://x/").unwrap_err();
    assert_eq!(err.field(), "callBackUrl");
    let err = HttpUrl::parse_field("uploadUrl", "nope").unwrap_err();
    assert_eq!(err.field(), "uploadUrl");
    assert_eq!(
        err.to_string(),
        "uploadUrl must be an absolute http or https url: the url is not absolute (no scheme://)"
    );
    let err = serde_json::from_str::<CallbackUrl>("\"http://a b\"").unwrap_err();
    assert!(err.to_string().contains("callBackUrl"), "{err}");
}

/// A small deterministic generator (no extra dependency): xorshift64*.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick(&mut self, items: &[&'static str]) -> &'static str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn never_looser_than_the_whatwg_parser() {
    const PREFIXES: &[&str] = &[
        "http://", "https://", "HTTP://", "hTTps://", "http:/", "ftp://",
    ];
    const PIECES: &[&str] = &[
        "a",
        "b",
        "z",
        "0",
        "1",
        "9",
        "255",
        "256",
        "01",
        "0x",
        "f",
        "-",
        "_",
        ".",
        ":",
        "::",
        "[",
        "]",
        "[::1]",
        "@",
        "/",
        "?",
        "#",
        "%",
        "%2f",
        "%g",
        "~",
        "!",
        "$",
        "&",
        "'",
        "(",
        "*",
        "+",
        ",",
        ";",
        "=",
        "\\",
        "|",
        "^",
        "`",
        "{",
        "\"",
        "<",
        " ",
        "\t",
        "\u{e9}",
        "xn--",
        "example",
        "com",
        "localhost",
        "8080",
        "65535",
        "65536",
        "0",
    ];
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    for _ in 0..100_000 {
        let mut raw = g.pick(PREFIXES).to_owned();
        for _ in 0..(g.next() % 8) {
            raw.push_str(g.pick(PIECES));
        }
        // Punycode labels are checked for shape only (module docs): the url crate
        // decodes them and may refuse what the server would judge anyway.
        if raw.to_ascii_lowercase().contains("xn--") {
            continue;
        }
        if HttpUrl::parse(raw.as_str()).is_ok() {
            accepted += 1;
            whatwg_agrees(&raw);
        }
    }
    // The generator must exercise the accepting side too.
    assert!(
        accepted > 1_000,
        "only {accepted} generated urls were accepted"
    );
}
