//! Password-protected pages (decision 127). The owner sets a password
//! (hashed with Argon2 behind the accounts' hashing gate); a visitor who
//! gives it gets a *pass*: the slug, an expiry and an HMAC over them and
//! the stored hash, kept in a cookie. A pass opens only its page, ends at
//! its expiry, and dies when the password changes or is removed. Attempts
//! are counted per page and client in the database, so guessing is slow on
//! every process of an installation.

use std::sync::Arc;

use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use sha2::Sha256;

use super::public::PublicPage;
use super::service::{PageRef, StatusPageService};
use super::PageError;
use crate::accounts::{Password, PasswordHasher};
use crate::entities::{status_page_passwords as passwords, status_pages as pages};
use crate::monitors::{Access, Write};
use crate::ratelimit::{Limit, RateLimiter};

/// How long a pass opens its page.
pub const PASS_DAYS: i64 = 7;
/// Attempts per page and client, and per page from anyone, per 15 minutes.
const PER_CLIENT: Limit = Limit::new("status_page.unlock.client", 10, 900);
const PER_PAGE: Limit = Limit::new("status_page.unlock.page", 100, 900);

/// The key passes are signed with; from the server's secret.
#[derive(Clone)]
pub struct PassKey([u8; 32]);

impl PassKey {
    /// A key of its own for passes, derived from `secret` (so it never signs
    /// anything the secret's other uses sign).
    pub fn derive(secret: &[u8]) -> Self {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| {
            <Hmac<Sha256> as Mac>::new_from_slice(b"runstate").expect("HMAC takes any key")
        });
        mac.update(b"runstate status page passes");
        Self(mac.finalize().into_bytes().into())
    }

    fn sign(&self, slug: &str, expires: i64, hash: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key");
        for part in [slug.as_bytes(), expires.to_string().as_bytes(), hash.as_bytes()] {
            mac.update(part);
            mac.update(&[0]);
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `pass` opens page `slug` whose password hash is `hash`, now.
    pub(super) fn opens(&self, pass: &str, slug: &str, hash: &str) -> bool {
        let Some((expires, tag)) = pass.split_once('.') else { return false };
        let Ok(expires) = expires.parse::<i64>() else { return false };
        let expected = self.sign(slug, expires, hash);
        expires > Utc::now().timestamp()
            && expected.len() == tag.len()
            && expected.bytes().zip(tag.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

impl std::fmt::Debug for PassKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PassKey(…)")
    }
}

/// What a protected page needs: the pass key, the hasher, the attempt counter.
#[derive(Clone)]
pub struct Protection {
    pub key: PassKey,
    pub hasher: PasswordHasher,
    pub limiter: RateLimiter,
}

impl std::fmt::Debug for Protection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Protection").finish_non_exhaustive()
    }
}

/// A pass to keep in a cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagePass {
    /// The cookie's name: one per page (`rs_page_acme`).
    pub cookie: String,
    pub value: String,
    pub max_age_secs: i64,
}

/// The cookie holding the pass of page `slug`.
pub fn cookie_name(slug: &str) -> String {
    format!("rs_page_{slug}")
}

impl PagePass {
    /// Its `Set-Cookie` value: HttpOnly, SameSite=Lax, the whole host (a
    /// page on a custom domain is at `/`), Secure over HTTPS.
    pub fn set_cookie(&self, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!(
            "{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
            self.cookie, self.value, self.max_age_secs
        )
    }
}

/// The pass for page `slug` in a request's `Cookie` header, if any.
pub fn pass_in<'a>(cookie_header: &'a str, slug: &str) -> Option<&'a str> {
    crate::accounts::cookies::find(cookie_header, &cookie_name(slug))
}

/// The password hash of page `page_id`, if it has one.
pub(super) async fn hash_of<C: ConnectionTrait>(
    db: &C,
    page_id: uuid::Uuid,
) -> Result<Option<String>, DbErr> {
    Ok(passwords::Entity::find_by_id(page_id).one(db).await?.map(|p| p.password_hash))
}

impl StatusPageService {
    /// Whether a page has a password.
    pub async fn is_protected(&self, page: &PageRef<impl Access>) -> Result<bool, PageError> {
        Ok(hash_of(self.db(), page.view().id).await?.is_some())
    }

    /// Sets the page's password, or removes it with `None`; every pass
    /// given before stops opening the page.
    pub async fn set_password(
        &self,
        page: &PageRef<Write>,
        password: Option<&str>,
    ) -> Result<bool, PageError> {
        let page_id = page.view().id;
        match password {
            None => {
                passwords::Entity::delete_by_id(page_id).exec(self.db()).await?;
            }
            Some(raw) => {
                let password = Password::parse(raw)
                    .map_err(|err| PageError::invalid("password", err.to_string()))?;
                let hash = self.protection().hasher.hash(&password).await.map_err(busy)?;
                let row = passwords::ActiveModel {
                    page_id: Set(page_id),
                    password_hash: Set(hash),
                    updated_at: Set(Utc::now()),
                };
                passwords::Entity::insert(row)
                    .on_conflict(
                        sea_orm::sea_query::OnConflict::column(passwords::Column::PageId)
                            .update_columns([
                                passwords::Column::PasswordHash,
                                passwords::Column::UpdatedAt,
                            ])
                            .to_owned(),
                    )
                    .exec(self.db())
                    .await?;
            }
        }
        self.forget_public(&page.view().slug);
        Ok(password.is_some())
    }

    /// A pass for page `slug` when `password` is its password; attempts
    /// are counted for `client` (an address) and for the page.
    pub async fn unlock(
        &self,
        slug: &str,
        password: &str,
        client: &str,
    ) -> Result<PagePass, PageError> {
        let page = pages::Entity::find()
            .filter(pages::Column::Slug.eq(slug))
            .filter(pages::Column::Published.eq(true))
            .one(self.db())
            .await?
            .ok_or(PageError::NotFound)?;
        let protection = self.protection();
        for (limit, key) in
            [(&PER_CLIENT, format!("{}:{client}", page.id)), (&PER_PAGE, page.id.to_string())]
        {
            if let Err(wait) = protection.limiter.take(limit, &key).await? {
                return Err(PageError::Throttled { retry_after_secs: wait.0 });
            }
        }
        let hash = hash_of(self.db(), page.id).await?;
        let Some(hash) = hash else {
            // Not protected: any password opens it, there is nothing to keep.
            return Err(PageError::NotFound);
        };
        if !protection.hasher.verify(password, Some(&hash)).await.map_err(busy)? {
            return Err(PageError::WrongPassword);
        }
        let max_age = Duration::days(PASS_DAYS);
        let expires = (Utc::now() + max_age).timestamp();
        Ok(PagePass {
            cookie: cookie_name(slug),
            value: format!("{expires}.{}", protection.key.sign(slug, expires, &hash)),
            max_age_secs: max_age.num_seconds(),
        })
    }

    /// The published page at `slug` for a visitor holding `pass` (the
    /// cookie's value, if any): `Locked` when the page has a password and
    /// the pass does not open it.
    pub async fn public_for(
        &self,
        slug: &str,
        pass: Option<&str>,
    ) -> Result<Arc<PublicPage>, PageError> {
        let page = self.public_cached(slug).await?;
        match page.password_hash() {
            None => Ok(page),
            Some(hash) if pass.is_some_and(|p| self.protection().key.opens(p, slug, hash)) => {
                Ok(page)
            }
            Some(_) => Err(PageError::Locked),
        }
    }
}

fn busy(err: crate::accounts::AccountError) -> PageError {
    match err {
        crate::accounts::AccountError::Busy { retry_after_secs } => {
            PageError::Busy { retry_after_secs }
        }
        other => PageError::Internal(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_opens_its_page_until_it_expires_or_the_password_changes() {
        let key = PassKey::derive(b"secret");
        let later = Utc::now().timestamp() + 60;
        let pass = format!("{later}.{}", key.sign("acme", later, "hash-1"));
        assert!(key.opens(&pass, "acme", "hash-1"));
        assert!(!key.opens(&pass, "other", "hash-1"), "another page");
        assert!(!key.opens(&pass, "acme", "hash-2"), "the password changed");
        assert!(!PassKey::derive(b"another").opens(&pass, "acme", "hash-1"), "another key");
        let past = Utc::now().timestamp() - 1;
        let old = format!("{past}.{}", key.sign("acme", past, "hash-1"));
        assert!(!key.opens(&old, "acme", "hash-1"), "expired");
        let forged = format!("{}.{}", later + 86_400, key.sign("acme", later, "hash-1"));
        assert!(!key.opens(&forged, "acme", "hash-1"), "a moved expiry breaks the tag");
        for junk in ["", ".", "abc", "1.2.3"] {
            assert!(!key.opens(junk, "acme", "hash-1"), "{junk}");
        }
    }
}
