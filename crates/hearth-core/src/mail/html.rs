//! Message HTML made safe to show, with ammonia.
//!
//! Scripts, event handlers, `javascript:` links, forms, frames, styles and everything else
//! outside ammonia's allow-list are removed. Remote images (http, https, protocol-relative)
//! are removed too unless the user allowed them for this message: a remote image is how a
//! sender learns that, when and where a message was read. Links open outside with
//! `rel="noopener noreferrer"`. The UI shows the result in a sandboxed iframe whose own
//! CSP repeats the image rule, so even a sanitizer bug would not run code or load a pixel.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// Sanitized HTML and what was held back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml {
    pub html: String,
    /// Remote images removed because they were not allowed.
    pub blocked_images: u32,
}

/// Sanitizes message HTML for display.
pub fn sanitize(html: &str, allow_remote_images: bool) -> SafeHtml {
    let blocked = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&blocked);
    let html = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        // A relative URL in a message points nowhere meaningful (or into the app): drop it.
        .url_relative(ammonia::UrlRelative::Deny)
        .attribute_filter(move |element, attribute, value| {
            if element == "img" && attribute == "src" {
                let lower = value.trim().to_ascii_lowercase();
                let remote = lower.starts_with("http:")
                    || lower.starts_with("https:")
                    || lower.starts_with("//");
                if remote && !allow_remote_images {
                    counter.fetch_add(1, Ordering::Relaxed);
                    return None;
                }
                // Inline images (cid: parts) are not resolved yet; data: images are fine.
            }
            Some(value.into())
        })
        .clean(html)
        .to_string();
    SafeHtml {
        html,
        blocked_images: blocked.load(Ordering::Relaxed),
    }
}

/// The CSP a message's iframe carries: nothing runs, nothing loads, except images that are
/// inline or, when allowed, remote.
pub fn frame_policy(allow_remote_images: bool) -> &'static str {
    if allow_remote_images {
        "default-src 'none'; img-src data: http: https:; style-src 'unsafe-inline'"
    } else {
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = r#"<p onclick="steal()">Hi <b>there</b></p>
        <script>parent.document.title = 'pwned'</script>
        <img src=x onerror="parent.document.title='pwned'">
        <img src="https://tracker.example/pixel.png?u=1">
        <img src="//tracker.example/p.gif">
        <a href="javascript:alert(1)">click</a> <a href="https://shop.example/">shop</a>
        <iframe src="https://evil.example/"></iframe>
        <form action="https://evil.example/"><input name=p></form>
        <div style="background:url(https://tracker.example/bg.png)">styled</div>"#;

    #[test]
    fn nothing_that_runs_or_phones_home_survives() {
        let safe = sanitize(HOSTILE, false);
        let lower = safe.html.to_lowercase();
        for bad in [
            "<script",
            "onerror",
            "onclick",
            "javascript:",
            "<iframe",
            "<form",
            "tracker.example",
            "evil.example",
            "style=",
        ] {
            assert!(!lower.contains(bad), "{bad} survived in {}", safe.html);
        }
        // The https pixel is held back; the protocol-relative one counts as relative and is
        // dropped before the image rule sees it.
        assert_eq!(safe.blocked_images, 1);
        assert!(
            !safe.html.contains(r#"src="x""#),
            "relative sources are dropped: {}",
            safe.html
        );
        assert!(safe.html.contains("<b>there</b>"), "{}", safe.html);
        assert!(safe.html.contains(r#"href="https://shop.example/""#));
        assert!(safe.html.contains("noopener noreferrer"));
    }

    #[test]
    fn allowed_remote_images_load_and_scripts_still_do_not_run() {
        let safe = sanitize(HOSTILE, true);
        assert_eq!(safe.blocked_images, 0);
        assert!(safe.html.contains("https://tracker.example/pixel.png"));
        assert!(!safe.html.to_lowercase().contains("<script"));
        assert!(!safe.html.to_lowercase().contains("onerror"));
    }
}
