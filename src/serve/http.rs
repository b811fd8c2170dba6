//! The little HTTP the page needs: replies with the headers every answer carries, query strings,
//! percent coding and cookies. Nothing here panics on what a client sends.

use serde_json::{json, Value};

/// One answer: status, content type, extra headers and body.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Extra headers (ASCII only).
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// The headers every reply carries: nothing from elsewhere may load (the page works offline and
/// leaks nothing), nothing is cached, no page may frame it, and the token never leaves in a
/// `Referer`.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
];

impl Reply {
    /// A JSON reply.
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            headers: Vec::new(),
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    /// A refusal or failure the page shows as it is: `{"error": "…"}`.
    pub fn error(status: u16, message: impl Into<String>) -> Reply {
        Reply::json(status, &json!({ "error": message.into() }))
    }

    /// A page or a piece of one.
    pub fn text(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A file to save, under a (Chinese) file name; browsers too old for `filename*` get
    /// `nianbao` with the same extension.
    pub fn download(file_name: &str, content_type: &'static str, body: Vec<u8>) -> Reply {
        let ext = file_name.rsplit_once('.').map_or("", |(_, e)| e);
        Reply {
            status: 200,
            content_type,
            headers: vec![(
                "Content-Disposition",
                format!(
                    "attachment; filename=\"nianbao.{}\"; filename*=UTF-8''{}",
                    encode(ext),
                    encode(file_name)
                ),
            )],
            body,
        }
    }

    /// The same reply with one more header.
    pub fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}

/// The `key=value` pairs of a URL's query, decoded; pairs that are not valid UTF-8 are dropped.
///
/// ```
/// use nianbao::serve::http::query;
/// let q = query("/api/template?year=2024&agency=%E5%8C%BA%E8%B4%A2%E6%94%BF%E5%B1%80");
/// assert_eq!(q, vec![("year".into(), "2024".into()), ("agency".into(), "区财政局".into())]);
/// assert!(query("/x?%FF=1").is_empty());
/// ```
pub fn query(url: &str) -> Vec<(String, String)> {
    let Some((_, q)) = url.split_once('?') else {
        return Vec::new();
    };
    q.split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

/// The value of `key` in decoded query pairs.
pub fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The path of a URL, without its query.
pub fn path(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or_default()
}

/// Decodes `%XX` escapes and `+` (a space, in a query). `None` if the result is not UTF-8 or an
/// escape is malformed.
pub fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes all but RFC 5987's `attr-char`s, for `filename*=`.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The value of cookie `name` in a `Cookie` header.
///
/// ```
/// use nianbao::serve::http::cookie;
/// assert_eq!(cookie("a=1; nianbao_8080=abc", "nianbao_8080"), Some("abc"));
/// assert_eq!(cookie("a=1", "nianbao_8080"), None);
/// ```
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Compares a secret without stopping at the first difference.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
