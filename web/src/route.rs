//! Routing by URL fragment: `#/lint/<state>`, `#/generate/<state>`, `#/rules/<CODE>`,
//! `#/check`, `#/reports`. The fragment never reaches a server, so the state in it stays
//! in the browser.

/// The views of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    Lint,
    Generate,
    Rules,
    Check,
    Reports,
}

impl View {
    pub const ALL: [View; 5] = [View::Lint, View::Generate, View::Rules, View::Check, View::Reports];

    /// The path segment, also used in `data-testid`s (`nav-lint`, `view-lint`).
    pub fn slug(self) -> &'static str {
        match self {
            View::Lint => "lint",
            View::Generate => "generate",
            View::Rules => "rules",
            View::Check => "check",
            View::Reports => "reports",
        }
    }

    /// The name in the navigation.
    pub fn label(self) -> &'static str {
        match self {
            View::Lint => "Lint",
            View::Generate => "Generate",
            View::Rules => "Rules",
            View::Check => "Check",
            View::Reports => "Reports",
        }
    }

    fn from_slug(slug: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.slug() == slug)
    }
}

/// A parsed fragment: the view and what follows it (a state payload or a rule code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub view: View,
    /// The compressed state (Lint, Generate) or the rule code (Rules); `None` when absent.
    pub arg: Option<String>,
    /// True when the fragment named no known view (the page shows Lint and says so).
    pub unknown: bool,
}

impl Route {
    pub fn new(view: View, arg: Option<String>) -> Route {
        Route {
            view,
            arg,
            unknown: false,
        }
    }

    /// Parse `location.hash` (with or without the leading `#`). Total: anything unknown
    /// is the Lint view, marked `unknown` unless the fragment was empty.
    pub fn parse(fragment: &str) -> Route {
        let path = fragment.strip_prefix('#').unwrap_or(fragment);
        let path = path.strip_prefix('/').unwrap_or(path);
        if path.is_empty() {
            return Route::new(View::Lint, None);
        }
        let (slug, arg) = match path.split_once('/') {
            Some((slug, arg)) => (slug, Some(arg)),
            None => (path, None),
        };
        let arg = arg.filter(|a| !a.is_empty()).map(str::to_string);
        match View::from_slug(slug) {
            Some(view) => Route::new(view, arg),
            None => Route {
                view: View::Lint,
                arg: None,
                unknown: true,
            },
        }
    }

    /// The fragment, with its leading `#`.
    pub fn to_fragment(&self) -> String {
        match &self.arg {
            Some(arg) => format!("#/{}/{arg}", self.view.slug()),
            None => format!("#/{}", self.view.slug()),
        }
    }
}

/// The link to a rule's doc page.
pub fn rule_href(code: &str) -> String {
    Route::new(View::Rules, Some(code.to_string())).to_fragment()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn parses_every_view() {
        for view in View::ALL {
            let route = Route::parse(&format!("#/{}", view.slug()));
            assert_eq!(route, Route::new(view, None));
            assert_eq!(route.to_fragment(), format!("#/{}", view.slug()));
        }
    }

    #[test]
    fn keeps_the_argument() {
        let route = Route::parse("#/lint/eJwrSS0u");
        assert_eq!(route.view, View::Lint);
        assert_eq!(route.arg.as_deref(), Some("eJwrSS0u"));
        assert_eq!(route.to_fragment(), "#/lint/eJwrSS0u");
        assert_eq!(Route::parse("#/rules/POLICY-BOM").arg.as_deref(), Some("POLICY-BOM"));
        assert_eq!(rule_href("POLICY-BOM"), "#/rules/POLICY-BOM");
    }

    #[test]
    fn empty_and_unknown_fragments_show_lint() {
        for empty in ["", "#", "#/", "/"] {
            assert_eq!(Route::parse(empty), Route::new(View::Lint, None));
        }
        let unknown = Route::parse("#/nope/x");
        assert_eq!(unknown.view, View::Lint);
        assert!(unknown.unknown);
        assert_eq!(Route::parse("#/generate/").arg, None);
        assert_eq!(Route::parse("generate").view, View::Generate);
    }
}
