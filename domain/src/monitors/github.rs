//! The `github_runners` kind: the self-hosted GitHub Actions runners of a
//! repository or an organisation. The token is write-only: it is sealed in
//! `monitors.secret`, never in `config`, and shown only as a masked hint.

use serde::{Deserialize, Serialize};

use super::spec::SpecError;

/// The public GitHub API.
pub const GITHUB_API: &str = "https://api.github.com";
/// The longest token accepted (GitHub's are well under it).
const MAX_TOKEN_LEN: usize = 255;

/// What the API accepts for a runner monitor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GithubRunnersInput {
    pub owner: Option<String>,
    /// Null: the organisation's runners. Absent: on create the same, on a
    /// patch unchanged.
    #[serde(default, deserialize_with = "present")]
    pub repo: Option<Option<String>>,
    /// Required on create; on a patch, absent (or the masked hint) keeps the stored one.
    #[serde(default)]
    pub token: Option<String>,
    /// GitHub Enterprise Server's API, e.g. `https://ghe.example.com/api/v3`.
    #[serde(default)]
    pub api_url: Option<String>,
}

/// A validated runner monitor; `config` holds all of it but the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GithubRunnersSpec {
    pub owner: String,
    #[serde(default)]
    pub repo: Option<String>,
    pub api_url: String,
    /// The token in clear, only between parsing and sealing: a new token to
    /// store. `None` keeps the stored one.
    #[serde(skip)]
    pub token: Option<String>,
    /// The token masked, safe to show.
    #[serde(default)]
    pub token_hint: String,
}

/// A runner monitor as the API shows it: the token masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GithubRunnersView {
    pub owner: String,
    pub repo: Option<String>,
    /// Masked: `…` and the last four characters.
    pub token: String,
    pub api_url: String,
}

impl GithubRunnersInput {
    /// Validates a new runner monitor: owner and token are required.
    pub fn validated(self) -> Result<GithubRunnersSpec, SpecError> {
        let token = self
            .token
            .as_deref()
            .filter(|t| !is_hint(t))
            .ok_or_else(|| SpecError::new("github_runners.token", "is required"))?;
        let owner = self.owner.as_deref().unwrap_or_default();
        build(owner, self.repo.flatten().as_deref(), self.api_url.as_deref(), Some(token))
    }

    /// Applies a patch: absent fields keep their value. A new API URL needs
    /// the token again, so a stored token never follows a changed host.
    pub fn patched(self, current: &GithubRunnersSpec) -> Result<GithubRunnersSpec, SpecError> {
        let token = self.token.as_deref().filter(|t| !is_hint(t));
        let owner = self.owner.as_deref().unwrap_or(&current.owner);
        let repo = self.repo.unwrap_or_else(|| current.repo.clone());
        let mut spec = build(
            owner,
            repo.as_deref(),
            Some(self.api_url.as_deref().unwrap_or(&current.api_url)),
            token,
        )?;
        if spec.token.is_none() {
            if spec.api_url != current.api_url {
                return Err(SpecError::new(
                    "github_runners.token",
                    "give the token again when changing api_url",
                ));
            }
            spec.token_hint = current.token_hint.clone();
        }
        Ok(spec)
    }
}

/// A present field, even `null`, is `Some`: so a patch can tell "set to
/// null" from "not given".
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn build(
    owner: &str,
    repo: Option<&str>,
    api_url: Option<&str>,
    token: Option<&str>,
) -> Result<GithubRunnersSpec, SpecError> {
    let owner = owner.trim();
    let valid_owner = !owner.is_empty()
        && owner.len() <= 39
        && owner.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !owner.starts_with('-');
    if !valid_owner {
        return Err(SpecError::new(
            "github_runners.owner",
            "must be a GitHub user or organisation name (letters, digits, hyphens; at most 39)",
        ));
    }
    let repo = repo.map(str::trim).filter(|r| !r.is_empty());
    if let Some(repo) = repo {
        let valid = repo.len() <= 100
            && repo.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && repo != "."
            && repo != "..";
        if !valid {
            return Err(SpecError::new(
                "github_runners.repo",
                "must be a repository name (letters, digits, '-', '_', '.'; at most 100)",
            ));
        }
    }
    let api_url = api_base(api_url.unwrap_or(GITHUB_API))?;
    let token = token.map(str::trim).map(validate_token).transpose()?;
    Ok(GithubRunnersSpec {
        owner: owner.to_owned(),
        repo: repo.map(str::to_owned),
        api_url,
        token_hint: token.as_deref().map(mask_token).unwrap_or_default(),
        token,
    })
}

/// An http(s) base URL without a trailing slash, query or credentials.
fn api_base(raw: &str) -> Result<String, SpecError> {
    let field = "github_runners.api_url";
    let url = url::Url::parse(raw.trim())
        .map_err(|e| SpecError::new(field, format!("is not a valid URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(SpecError::new(field, "must be an http:// or https:// URL"));
    }
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(SpecError::new(field, "must not contain credentials or a query"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn validate_token(token: &str) -> Result<String, SpecError> {
    let field = "github_runners.token";
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(SpecError::new(field, format!("must be 1 to {MAX_TOKEN_LEN} characters")));
    }
    // It travels in an HTTP header.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(SpecError::new(field, "must not contain spaces or control characters"));
    }
    Ok(token.to_owned())
}

/// A masked value as the API returns it (`…` and, for long ones, the last 4).
pub(super) fn is_hint(token: &str) -> bool {
    token.starts_with('…')
}

/// `…` and the last four characters when the token is long enough that
/// they give nothing away.
pub fn mask_token(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() >= 16 {
        format!("…{}", chars[chars.len() - 4..].iter().collect::<String>())
    } else {
        "…".to_owned()
    }
}

impl GithubRunnersSpec {
    /// The runners listing: the repository's, or the organisation's.
    pub fn runners_url(&self) -> String {
        match &self.repo {
            Some(repo) => format!("{}/repos/{}/{repo}/actions/runners", self.api_url, self.owner),
            None => format!("{}/orgs/{}/actions/runners", self.api_url, self.owner),
        }
    }

    /// `owner/repo`, or `owner (organisation)`: what alerts call it.
    pub fn repository(&self) -> String {
        match &self.repo {
            Some(repo) => format!("{}/{repo}", self.owner),
            None => format!("{} (organisation)", self.owner),
        }
    }

    /// The normalised target for search: `github.com/owner/repo`.
    pub fn target(&self) -> String {
        let host = url::Url::parse(&self.api_url)
            .ok()
            .and_then(|u| {
                let host = u.host_str()?.to_owned();
                Some(match u.port() {
                    Some(port) => format!("{host}:{port}"),
                    None if host == "api.github.com" => "github.com".to_owned(),
                    None => host,
                })
            })
            .unwrap_or_else(|| self.api_url.clone());
        match &self.repo {
            Some(repo) => format!("{host}/{}/{repo}", self.owner),
            None => format!("{host}/{}", self.owner),
        }
    }

    /// The masked form the API shows.
    pub fn view(&self) -> GithubRunnersView {
        GithubRunnersView {
            owner: self.owner.clone(),
            repo: self.repo.clone(),
            token: self.token_hint.clone(),
            api_url: self.api_url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(owner: &str, repo: Option<&str>, token: Option<&str>) -> GithubRunnersInput {
        GithubRunnersInput {
            owner: Some(owner.into()),
            repo: Some(repo.map(Into::into)),
            token: token.map(Into::into),
            api_url: None,
        }
    }

    #[test]
    fn a_repository_monitor_defaults_to_the_public_api_and_masks_the_token() {
        let spec =
            input("acme", Some("api"), Some("ghp_0123456789abcdefWXYZ")).validated().unwrap();
        assert_eq!(spec.api_url, GITHUB_API);
        assert_eq!(spec.runners_url(), "https://api.github.com/repos/acme/api/actions/runners");
        assert_eq!(spec.target(), "github.com/acme/api");
        assert_eq!(spec.view().token, "…WXYZ");
        let config = serde_json::to_string(&spec).unwrap();
        assert!(!config.contains("ghp_0123"), "the token stays out of config: {config}");
    }

    #[test]
    fn an_organisation_monitor_lists_the_org_runners() {
        let mut org = input("acme", None, Some("t0ken"));
        org.api_url = Some("https://ghe.example.com/api/v3/".into());
        let spec = org.validated().unwrap();
        assert_eq!(spec.runners_url(), "https://ghe.example.com/api/v3/orgs/acme/actions/runners");
        assert_eq!(spec.repository(), "acme (organisation)");
        assert_eq!(spec.view().token, "…");
    }

    #[test]
    fn bad_owners_repos_urls_and_tokens_name_the_field() {
        let field = |i: GithubRunnersInput| i.validated().unwrap_err().field;
        assert_eq!(field(input("", None, Some("t"))), "github_runners.owner");
        assert_eq!(field(input("a/b", None, Some("t"))), "github_runners.owner");
        assert_eq!(field(input("acme", Some(".."), Some("t"))), "github_runners.repo");
        assert_eq!(field(input("acme", None, None)), "github_runners.token");
        assert_eq!(field(input("acme", None, Some("a b"))), "github_runners.token");
        let mut bad_url = input("acme", None, Some("t"));
        bad_url.api_url = Some("ftp://example.org".into());
        assert_eq!(field(bad_url), "github_runners.api_url");
    }

    #[test]
    fn a_patch_keeps_the_token_unless_the_api_url_changes() {
        let current =
            input("acme", Some("api"), Some("ghp_0123456789abcdefWXYZ")).validated().unwrap();
        let renamed = GithubRunnersInput { repo: Some(Some("web".into())), ..Default::default() }
            .patched(&current)
            .unwrap();
        assert_eq!((renamed.repo.as_deref(), renamed.token.as_deref()), (Some("web"), None));
        assert_eq!(renamed.token_hint, "…WXYZ");
        let echoed = GithubRunnersInput { token: Some("…WXYZ".into()), ..Default::default() }
            .patched(&current)
            .unwrap();
        assert_eq!(echoed.token, None, "the masked hint echoed back keeps the token");
        let moved = GithubRunnersInput {
            api_url: Some("https://evil.example.org".into()),
            ..Default::default()
        };
        assert_eq!(moved.patched(&current).unwrap_err().field, "github_runners.token");
        let to_org: GithubRunnersInput = serde_json::from_str(r#"{"repo": null}"#).unwrap();
        assert_eq!(to_org.patched(&current).unwrap().repo, None);
        let untouched: GithubRunnersInput = serde_json::from_str("{}").unwrap();
        assert_eq!(untouched.patched(&current).unwrap().repo.as_deref(), Some("api"));
    }
}
