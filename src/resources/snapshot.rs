//! The paged reader of `pca_end_cert`: one snapshot per CA and provider process of which
//! certificates exist (Get End Cert List, its pages fetched concurrently), shared by every
//! refresh of the CA's certificates. Single-flight: concurrent reads wait for the one fetch.
//! Revocation comes from the CA's CRL ([`super::common::revoked_serials`], also once per CA
//! and process). A certificate is immutable, so nothing else can change after creation.
//!
//! Nothing reads stale in the same process: a create adds its serial to the CA's snapshot
//! (taken, being taken or still to come), a revoke or Rotate CRL drops the CA's cached CRL,
//! and Trim CA drops the CA's snapshot and CRL. A list page that answers "not found" makes
//! the CA's certificates gone only when Get CA confirms that the CA is gone; otherwise each
//! certificate is read on its own.
//!
//! `pca_ca`, `pca_ocsp`, `pca_sub_ca_activation`, `pca_crl_rotation` and `pca_ca_trim`
//! refresh the same way: one Get CA List walk per provider process answers every CA's read
//! ([`listed_ca`]); a CA missing from it (or listed without what the reader needs) is read
//! with Get CA, and every change to a CA or its OCSP in the process drops the list
//! ([`ca_write`]). So do `pca_ca_user` and
//! `data "pca_ca_users"`: one Get CA User List per CA and process ([`ca_users`]), dropped
//! after every grant or removal of a user of that CA in the process ([`user_write`]).

use super::common::{canonical_serial, revoked_serials};
use crate::api::model::{CaRecord, CaStatus, CaTag, CaUser, GetEndCertListData, PageQuery};
use crate::client::{Client, ClientError};
use crate::provider::PcaData;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// How many list pages are requested at once.
const PAGES_IN_FLIGHT: usize = 4;

/// The longest certificate list [`prefetch`] reads whole, in pages.
pub const PREFETCH_PAGES: u32 = 10;

/// Canonical serials of the certificates created in this process under one CA: shared by
/// the CA's entry and every listing taken from it, so that a certificate created while the
/// list is being walked is held by the listing that walk gives.
type Created = Arc<Mutex<HashSet<String>>>;

/// Which certificates of one CA exist.
#[derive(Debug, Default)]
pub struct CertListing {
    /// The CA itself is gone (its list answered "not found", and Get CA confirmed it).
    pub ca_gone: bool,
    /// The serials the list gave.
    serials: HashSet<String>,
    /// The serials created in this process since (see [`Created`]).
    created: Created,
}

impl CertListing {
    /// A listing of these serials (any form; kept canonical).
    pub fn new<S: AsRef<str>>(serials: impl IntoIterator<Item = S>) -> CertListing {
        CertListing {
            ca_gone: false,
            serials: serials
                .into_iter()
                .map(|s| canonical_serial(s.as_ref()))
                .collect(),
            created: Created::default(),
        }
    }

    /// Whether the list holds `serial` (any form).
    pub fn contains(&self, serial: &str) -> bool {
        let serial = canonical_serial(serial);
        self.serials.contains(&serial) || lock(&self.created).contains(&serial)
    }

    /// Adds a serial (a certificate created after the snapshot).
    pub fn insert(&self, serial: &str) {
        lock(&self.created).insert(canonical_serial(serial));
    }

    /// How many certificates the listing holds.
    pub fn len(&self) -> usize {
        let created = lock(&self.created);
        self.serials.len() + created.difference(&self.serials).count()
    }

    /// True when the listing holds no certificate.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The account's CAs by tag, from one Get CA List walk per provider process (`None` until
/// the first read, and again after a change).
pub type CaListing = Arc<tokio::sync::Mutex<Option<Arc<HashMap<String, CaRecord>>>>>;

/// The CA's record from the account's CA list, fetched once per provider process (the
/// lock makes concurrent reads wait for the one walk). `None` when the list does not have
/// it or could not be read: the caller then reads the CA itself. A walk that fails is not
/// tried again in the process (until a change drops the list): every CA is then read on
/// its own, rather than each waiting reader repeating the failing walk in turn.
pub async fn listed_ca(data: &PcaData, client: &Client, ca_tag: &str) -> Option<CaRecord> {
    let mut guard = data.ca_listing.lock().await;
    if guard.is_none() {
        let by_tag = match client.get_ca_list_all().await {
            Ok(all) => all
                .into_iter()
                .filter_map(|r| {
                    let tag = r.ca_info.as_ref().and_then(|i| i.ca_tag.clone())?;
                    Some((tag.to_string(), r))
                })
                .collect(),
            Err(_) => HashMap::new(),
        };
        *guard = Some(Arc::new(by_tag));
    }
    guard.as_ref().and_then(|m| m.get(ca_tag).cloned())
}

/// The CA's record for a refresh: from the account's CA list ([`listed_ca`]) when it lists
/// the CA with what the reader needs (`enough`), else from Get CA. A thin list record is no
/// proof of anything (an OCSP URL or a certificate left out of a list is not gone).
pub async fn ca_record(
    data: &PcaData,
    client: &Client,
    ca_tag: &str,
    enough: impl Fn(&CaRecord) -> bool,
) -> Result<CaRecord, ClientError> {
    match listed_ca(data, client, ca_tag).await.filter(|r| enough(r)) {
        Some(r) => Ok(r),
        None => client.get_ca(&CaTag::from(ca_tag)).await,
    }
}

/// A CA was created, changed or deleted: the CA list is out of date.
pub async fn note_ca_changed(data: &PcaData) {
    *data.ca_listing.lock().await = None;
}

/// Runs a write to a CA, then drops the CA list ([`note_ca_changed`]) whatever the
/// outcome (a failed write may have taken effect). Dropped after the write, not before: a
/// walk that ran during the write may hold the CA as it was, and waits for nothing else.
pub async fn ca_write<T>(data: Option<&PcaData>, write: impl Future<Output = T>) -> T {
    let out = write.await;
    if let Some(data) = data {
        note_ca_changed(data).await;
    }
    out
}

/// The users of each CA, per CA tag: a cell per CA, filled once by the first reader while
/// concurrent readers of the same CA wait. `None` in a cell: the list says the CA does not
/// exist.
pub type UserLists =
    Arc<Mutex<HashMap<String, Arc<tokio::sync::OnceCell<Option<Arc<Vec<CaUser>>>>>>>>;

/// The CA's users (Get CA User List, which has no pages), read once per CA and provider
/// process and shared by every `pca_ca_user` refresh and `pca_ca_users` read of the CA.
/// `None` when the list answers "not found" and Get CA confirms that the CA is gone (kept
/// too); any other error, or "not found" for a CA that exists, is returned and not kept.
pub async fn ca_users(
    data: &PcaData,
    client: &Client,
    ca_tag: &str,
) -> Result<Option<Arc<Vec<CaUser>>>, ClientError> {
    let cell = lock(&data.user_lists)
        .entry(ca_tag.to_owned())
        .or_default()
        .clone();
    cell.get_or_try_init(|| async {
        match client.get_ca_user_list(&CaTag::from(ca_tag)).await {
            Ok(users) => Ok(Some(Arc::new(users))),
            // "Not found" alone is no proof (a 404, a castore or a policy): the CA's
            // users are gone only when Get CA agrees that the CA is; otherwise the error
            // stands, and is not kept.
            Err(e) if e.is_not_found() => match ca_is_gone(client, ca_tag).await? {
                true => Ok(None),
                false => Err(e),
            },
            Err(e) => Err(e),
        }
    })
    .await
    .cloned()
}

/// Runs a write to a CA's users (add, delete), then drops that CA's user list whatever the
/// outcome (a failed write may have taken effect). Dropped after the write, not before: a
/// read that ran during the write may hold the list as it was.
pub async fn user_write<T>(
    data: Option<&PcaData>,
    ca_tag: &str,
    write: impl Future<Output = T>,
) -> T {
    let out = write.await;
    if let Some(data) = data {
        lock(&data.user_lists).remove(ca_tag);
    }
    out
}

/// The snapshots of a provider process, per CA tag.
pub type CertListings = Arc<Mutex<HashMap<String, Arc<CaCerts>>>>;

/// One CA's entry: page 1 of its list (possibly fetched ahead, see [`prefetch`]) and the
/// whole listing, each filled once.
#[derive(Debug, Default)]
pub struct CaCerts {
    first_page: tokio::sync::OnceCell<Arc<GetEndCertListData>>,
    listing: tokio::sync::OnceCell<Arc<CertListing>>,
    /// Whether a walk of the list has started (and so used `first_page`).
    walked: AtomicBool,
    /// Certificates created in this process, shared with the listing.
    created: Created,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn entry(data: &PcaData, ca_tag: &str) -> Arc<CaCerts> {
    lock(&data.cert_listings)
        .entry(ca_tag.to_owned())
        .or_default()
        .clone()
}

/// Page 1 of the CA's list, from the API.
async fn fetch_first_page(
    client: &Client,
    ca_tag: &str,
) -> Result<Arc<GetEndCertListData>, ClientError> {
    client
        .get_end_cert_list(&CaTag::from(ca_tag), &PageQuery::page(1))
        .await
        .map(Arc::new)
}

/// Page 1 of the CA's list, fetched once (a failure is not kept).
async fn first_page(
    entry: &CaCerts,
    client: &Client,
    ca_tag: &str,
) -> Result<Arc<GetEndCertListData>, ClientError> {
    entry
        .first_page
        .get_or_try_init(|| fetch_first_page(client, ca_tag))
        .await
        .cloned()
}

/// Starts reading the CA's certificates in the background ([`read_ahead`]), so that they
/// are ready when Terraform refreshes them (always after their CA, and only once it has
/// expanded their instances, which takes it a while at fleet size). Called by `pca_ca`'s
/// refresh, so that page 1 goes out together with the CA's own read.
pub fn prefetch(data: &PcaData, client: &Client, ca_tag: &str) {
    let entry = entry(data, ca_tag);
    if entry.first_page.initialized() || entry.listing.initialized() {
        return;
    }
    let (data, client, tag) = (data.clone(), client.clone(), ca_tag.to_owned());
    tokio::spawn(async move { read_ahead(&data, &client, &tag).await });
}

/// Reads the CA's certificates ahead of their refresh: page 1, then, when it lists
/// certificates and the list has at most [`PREFETCH_PAGES`] pages, the other pages and the
/// CA's CRL. So a configuration that manages a CA but none of its certificates pays at most
/// [`PREFETCH_PAGES`] + 1 requests per CA and command; one that manages them pays nothing
/// extra, as its certificates' refresh reads the same pages and CRL. Failures are not kept:
/// the certificates' refresh reads again and reports the error there.
pub async fn read_ahead(data: &PcaData, client: &Client, ca_tag: &str) {
    let entry = entry(data, ca_tag);
    let Ok(first) = first_page(&entry, client, ca_tag).await else {
        return;
    };
    // Without `totalPageNo` the length of the list is unknown: no further reads ahead.
    let Some(pages) = first.total_page_no else {
        return;
    };
    if first.list_certs.is_empty() || pages > i64::from(PREFETCH_PAGES) {
        return;
    }
    let _ = tokio::join!(
        cert_listing(data, client, ca_tag),
        revoked_serials(data, client, ca_tag)
    );
}

/// The CA's listing: fetched by the first caller, awaited by concurrent ones, then reused.
/// A failed fetch is not kept (the next caller tries again).
pub async fn cert_listing(
    data: &PcaData,
    client: &Client,
    ca_tag: &str,
) -> Result<Arc<CertListing>, ClientError> {
    let entry = entry(data, ca_tag);
    entry
        .listing
        .get_or_try_init(|| async {
            let tag = CaTag::from(ca_tag);
            let rest = |first: Arc<GetEndCertListData>| {
                client.get_end_cert_list_rest(
                    &tag,
                    GetEndCertListData::clone(&first),
                    PAGES_IN_FLIGHT,
                )
            };
            let walk = async {
                // Page 1 as kept in the entry serves the first walk only: after a failed
                // walk its `totalPageNo` may be out of date, so a retry reads it again. A
                // page 1 read ahead of this walk (by `prefetch`, while Terraform expanded
                // the instances) may be out of date already: if the walk from it fails, it
                // is walked once more from a fresh page 1 before the error counts.
                if entry.walked.swap(true, Ordering::SeqCst) {
                    return rest(fetch_first_page(client, ca_tag).await?).await;
                }
                let ahead = entry.first_page.initialized();
                match rest(first_page(&entry, client, ca_tag).await?).await {
                    Err(_) if ahead => rest(fetch_first_page(client, ca_tag).await?).await,
                    done => done,
                }
            };
            match walk.await {
                Ok(serials) => Ok(Arc::new(CertListing {
                    created: entry.created.clone(),
                    ..CertListing::new(serials.iter().map(|s| s.as_str()))
                })),
                // The list says "not found" for a CA: gone if Get CA agrees; if the CA
                // exists, an empty listing, so that each certificate is read on its own
                // (Get End Cert) rather than any of them taken for gone.
                Err(e) if e.is_not_found() => Ok(Arc::new(CertListing {
                    ca_gone: ca_is_gone(client, ca_tag).await?,
                    created: entry.created.clone(),
                    ..CertListing::default()
                })),
                Err(e) => Err(e),
            }
        })
        .await
        .cloned()
}

/// Whether Get CA says the CA does not exist. A list page answering "not found" is not
/// taken for the CA's absence on its own: the same answer can mean a certificate (row 69),
/// a castore or a policy, or an empty or shrunk list, and reading every certificate of a
/// CA that still exists as gone would make Terraform issue them all again. A CA scheduled
/// for deletion (`DESTROYING`) counts as gone, as it does for `pca_ca`. An error of Get CA
/// itself is returned.
async fn ca_is_gone(client: &Client, ca_tag: &str) -> Result<bool, ClientError> {
    match client.get_ca(&CaTag::from(ca_tag)).await {
        Ok(record) => Ok(record.ca_info.and_then(|i| i.status) == Some(CaStatus::Destroying)),
        Err(e) if e.is_not_found() => Ok(true),
        Err(e) => Err(e),
    }
}

/// A certificate was created: the CA's listing holds it from now on, whether it was taken
/// already, is being walked (a page read before the certificate existed may lack it) or is
/// taken later.
pub fn note_created(data: &PcaData, ca_tag: &str, serial: &str) {
    lock(&entry(data, ca_tag).created).insert(canonical_serial(serial));
}

/// A certificate was revoked, or the CRL rotated: the CA's cached CRL is out of date.
pub async fn note_crl_changed(data: &PcaData, ca_tag: &str) {
    lock(&data.revoked_cache).remove(ca_tag);
}

/// Certificates left the CA's list (Trim CA): its snapshot and CRL are out of date.
pub async fn note_trimmed(data: &PcaData, ca_tag: &str) {
    lock(&data.cert_listings).remove(ca_tag);
    lock(&data.revoked_cache).remove(ca_tag);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_compares_serials_canonically() {
        let l = CertListing::new(["3A:1F:00:10", "0b:20"]);
        assert!(l.contains("3a:1f:00:10"));
        assert!(l.contains("0B20"));
        assert!(!l.contains("3a:1f"));
        l.insert("ff:01");
        assert!(l.contains("FF01"));
        assert_eq!(l.len(), 3);
    }
}
