//! Agency names as people write them: the one key two spellings of an agency share.
//!
//! The same agency is written `区民政局`, `区 民政局`, `区民政局（盖章）` or, in a district's own
//! files, `拱墅区民政局`. Every place that matches agencies — last year's report to this year's,
//! a return to the roster, two returns of one agency — compares [`key`]s, never the raw names.

use crate::label::normalize;

/// The key an agency's name is matched by: folded as labels are ([`normalize`]: spaces, full-width
/// forms), without a trailing `（盖章）`/`(公章)` and without brackets around a part of the name.
///
/// ```
/// use nianbao::agency::key;
/// assert_eq!(key("区 民政局"), key("区民政局"));
/// assert_eq!(key("区民政局（盖章）"), key("区民政局"));
/// assert_eq!(key("区政府办公室（区外事办）"), key("区政府办公室(区外事办)"));
/// assert_ne!(key("区民政局"), key("区财政局"));
/// ```
pub fn key(name: &str) -> String {
    let mut k = normalize(name);
    for seal in ["(盖章)", "(公章)", "(章)", "盖章"] {
        if let Some(stripped) = k.strip_suffix(seal) {
            k = stripped.to_string();
        }
    }
    k.trim_end_matches([':', '：']).to_string()
}
