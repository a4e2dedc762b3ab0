//! CA operations (spec §2.1–§2.6, §2.8–§2.10), the CA list walk and the alias lookup that
//! makes Create CA safe to use after an ambiguous failure.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::api::model::{
    ActivateSubCaRequest, CaRecord, CaTag, CreateCaQuery, CreateCaRequest, GetCaListData,
    GetCaListQuery, GetSubCsrData, NoData, PageQuery, SignCsrData, SignSubCsrRequest, UpdateCaData,
    UpdateCaRequest,
};
use crate::api::ops;
use crate::client::transport::required;
use crate::client::{Client, ClientError};

/// The most pages a list walk requests before it stops (a guard against a server that
/// never reports the last page).
pub(crate) const MAX_PAGES: u32 = 1000;

/// How far before our first Create CA attempt an adopted CA's `rgstDate` may lie (clock
/// differences between this machine and the service).
const ADOPT_WINDOW_MS: i64 = 15 * 60 * 1000;

/// The result of [`Client::create_ca_detailed`].
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedCa {
    /// The CA record (`{caInfo, caCertInfo}`).
    pub record: CaRecord,
    /// `true` when the create call failed ambiguously and the CA was found by its alias
    /// instead (it was created by this call, but its response was lost).
    pub adopted: bool,
}

fn tag(ca_tag: &CaTag) -> [(&'static str, &str); 1] {
    [("caTag", ca_tag.as_str())]
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_millis()).ok())
        .unwrap_or(0)
}

/// Whether a CA found by alias after an ambiguous Create CA is the one that call created:
/// same alias, and — where the record says — the same type, the same common name, and
/// registered no earlier than shortly before the first attempt. A CA that fails these
/// checks existed before (the alias was taken), so it is not adopted.
pub(crate) fn looks_created_by(
    record: &CaRecord,
    query: &CreateCaQuery,
    req: &CreateCaRequest,
    started_ms: i64,
) -> bool {
    let Some(info) = &record.ca_info else {
        return false;
    };
    if info.alias.as_deref() != Some(req.alias.as_str()) {
        return false;
    }
    if let Some(t) = &info.ca_type
        && query.ca_type.is_known()
        && *t != query.ca_type
    {
        return false;
    }
    if let Some(cn) = record
        .ca_cert_info
        .as_ref()
        .and_then(|c| c.common_name.as_deref())
        && !cn.is_empty()
        && cn != req.x509_parameters.common_name
    {
        return false;
    }
    if let Some(registered) = info.rgst_date
        && registered < started_ms.saturating_sub(ADOPT_WINDOW_MS)
    {
        return false;
    }
    true
}

impl Client {
    /// **Create CA** (§2.1) — `POST /api/v1/ca?caType=..[&issuerTag=..]`. Not idempotent.
    ///
    /// Retried only when the request provably never reached the server (connection
    /// refused, 429, 503). After an ambiguous failure (timeout, lost response, 500/502/504)
    /// the CA list is searched for the alias (unique per account): a CA found there that
    /// matches the request is adopted and returned (logged as a warning) instead of creating
    /// a second one; otherwise the original error is returned. See
    /// [`Client::create_ca_detailed`] to learn whether the CA was adopted.
    pub async fn create_ca(
        &self,
        query: &CreateCaQuery,
        req: &CreateCaRequest,
    ) -> Result<CaRecord, ClientError> {
        self.create_ca_detailed(query, req).await.map(|c| c.record)
    }

    /// **Create CA** like [`Client::create_ca`], also telling whether the CA was adopted
    /// after an ambiguous failure.
    pub async fn create_ca_detailed(
        &self,
        query: &CreateCaQuery,
        req: &CreateCaRequest,
    ) -> Result<CreatedCa, ClientError> {
        let op = &ops::CREATE_CA;
        let started_ms = now_ms();
        let body = Self::json_body(op, req)?;
        match self
            .send::<CaRecord>(op, &[], &query.to_pairs(), Some(body))
            .await
        {
            Ok(Some(record)) => Ok(CreatedCa {
                record,
                adopted: false,
            }),
            // Created, but the response said nothing about it: read it back by alias.
            Ok(None) => match self.find_ca_by_alias(&req.alias).await? {
                Some(record) => Ok(CreatedCa {
                    record,
                    adopted: false,
                }),
                None => required(op, None),
            },
            Err(err) if err.is_ambiguous() => self.adopt_after(query, req, started_ms, err).await,
            Err(err) => Err(err),
        }
    }

    async fn adopt_after(
        &self,
        query: &CreateCaQuery,
        req: &CreateCaRequest,
        started_ms: i64,
        err: ClientError,
    ) -> Result<CreatedCa, ClientError> {
        match self.find_ca_by_alias(&req.alias).await {
            Ok(Some(record)) if looks_created_by(&record, query, req, started_ms) => {
                tracing::warn!(
                    alias = req.alias.as_str(),
                    ca_tag = record
                        .ca_info
                        .as_ref()
                        .and_then(|i| i.ca_tag.as_ref())
                        .map(|t| t.as_str()),
                    "Create CA failed ambiguously ({err}); adopted the CA found under the same alias"
                );
                Ok(CreatedCa {
                    record,
                    adopted: true,
                })
            }
            Ok(Some(_)) => {
                tracing::warn!(
                    alias = req.alias.as_str(),
                    "Create CA failed ambiguously; a CA with the same alias exists but does not match the request, so it was not adopted"
                );
                Err(err)
            }
            Ok(None) => Err(err),
            Err(lookup) => {
                tracing::warn!(
                    alias = req.alias.as_str(),
                    "Create CA failed ambiguously and the alias lookup failed too: {lookup}"
                );
                Err(err)
            }
        }
    }

    /// **Get CA List** (§2.2) — `GET /api/v1/ca?pageNo=..`. Idempotent. Returns one page;
    /// see [`Client::get_ca_list_all`] for every CA. `data: null` reads as an empty page.
    pub async fn get_ca_list(&self, query: &GetCaListQuery) -> Result<GetCaListData, ClientError> {
        let data = self
            .send::<GetCaListData>(&ops::GET_CA_LIST, &[], &query.to_pairs(), None)
            .await?;
        Ok(data.unwrap_or_default())
    }

    /// Every CA of the account: walks Get CA List from `pageNo=1` while
    /// `currentPageNo < totalPageNo` (stopping at an empty page), dropping duplicates by
    /// `caTag`.
    pub async fn get_ca_list_all(&self) -> Result<Vec<CaRecord>, ClientError> {
        let mut all: Vec<CaRecord> = Vec::new();
        let mut page = 1u32;
        loop {
            let data = self.get_ca_list(&PageQuery::page(page)).await?;
            let more = next_page(
                page,
                data.current_page_no,
                data.total_page_no,
                data.ca_info_list.is_empty(),
            );
            for record in data.ca_info_list {
                let key = record.ca_info.as_ref().and_then(|i| i.ca_tag.clone());
                let duplicate = key.is_some()
                    && all.iter().any(|r| {
                        r.ca_info.as_ref().and_then(|i| i.ca_tag.as_ref()) == key.as_ref()
                    });
                if !duplicate {
                    all.push(record);
                }
            }
            match more {
                Some(next) => page = next,
                None => return Ok(all),
            }
        }
    }

    /// The CA whose alias is `alias` (exact match; aliases are unique per account), from
    /// all pages of Get CA List.
    pub async fn find_ca_by_alias(&self, alias: &str) -> Result<Option<CaRecord>, ClientError> {
        Ok(self.get_ca_list_all().await?.into_iter().find(|r| {
            r.ca_info
                .as_ref()
                .and_then(|i| i.alias.as_deref())
                .is_some_and(|a| a == alias)
        }))
    }

    /// **Get CA** (§2.3) — `GET /api/v1/ca/{caTag}`. Idempotent.
    pub async fn get_ca(&self, ca_tag: &CaTag) -> Result<CaRecord, ClientError> {
        let op = &ops::GET_CA;
        required(op, self.send(op, &tag(ca_tag), &[], None).await?)
    }

    /// **Update CA** (§2.4) — `PUT /api/v1/ca/{caTag}`. Idempotent. The response comes in
    /// two shapes (A17), both read by [`UpdateCaData`].
    pub async fn update_ca(
        &self,
        ca_tag: &CaTag,
        req: &UpdateCaRequest,
    ) -> Result<UpdateCaData, ClientError> {
        let op = &ops::UPDATE_CA;
        let body = Self::json_body(op, req)?;
        required(op, self.send(op, &tag(ca_tag), &[], Some(body)).await?)
    }

    /// **Delete CA** (§2.5) — `DELETE /api/v1/ca/{caTag}`. Idempotent. Only a CA in
    /// `DESTROYING` can be deleted.
    pub async fn delete_ca(&self, ca_tag: &CaTag) -> Result<(), ClientError> {
        self.send::<NoData>(&ops::DELETE_CA, &tag(ca_tag), &[], None)
            .await
            .map(|_| ())
    }

    /// **Get CA Chain** (§2.6) — `GET /api/v1/ca/{caTag}/chain`. Idempotent. Returns the
    /// chain as one PEM string.
    pub async fn get_ca_chain(&self, ca_tag: &CaTag) -> Result<String, ClientError> {
        let op = &ops::GET_CA_CHAIN;
        required(op, self.send(op, &tag(ca_tag), &[], None).await?)
    }

    /// **Get Sub CSR** (§2.8) — `GET /api/v1/ca/{caTag}/sub/csr`. Idempotent. Only for an
    /// unsigned `PRIVATE_SUB` CA.
    pub async fn get_sub_csr(&self, ca_tag: &CaTag) -> Result<GetSubCsrData, ClientError> {
        let op = &ops::GET_SUB_CSR;
        required(op, self.send(op, &tag(ca_tag), &[], None).await?)
    }

    /// **Sign Sub Csr** (§2.9) — `POST /api/v1/ca/{caTag}/sub/sign` on the **parent** CA.
    /// Not idempotent: retried only when the request provably never reached the server.
    pub async fn sign_sub_csr(
        &self,
        ca_tag: &CaTag,
        req: &SignSubCsrRequest,
    ) -> Result<SignCsrData, ClientError> {
        let op = &ops::SIGN_SUB_CSR;
        let body = Self::json_body(op, req)?;
        required(op, self.send(op, &tag(ca_tag), &[], Some(body)).await?)
    }

    /// **Activate Sub CA** (§2.10) — `POST /api/v1/ca/{caTag}/activate`. Not idempotent:
    /// retried only when the request provably never reached the server.
    pub async fn activate_sub_ca(
        &self,
        ca_tag: &CaTag,
        req: &ActivateSubCaRequest,
    ) -> Result<CaRecord, ClientError> {
        let op = &ops::ACTIVATE_SUB_CA;
        let body = Self::json_body(op, req)?;
        required(op, self.send(op, &tag(ca_tag), &[], Some(body)).await?)
    }
}

/// The next page to request after `page`, or `None` when the walk is over: the server
/// said this was the last page (its `currentPageNo`, else our `page`, is not below
/// `totalPageNo`), the page was empty, or [`MAX_PAGES`] was reached.
pub(crate) fn next_page(
    page: u32,
    current: Option<i64>,
    total: Option<i64>,
    empty: bool,
) -> Option<u32> {
    // A server that ignores `pageNo` keeps saying page 1: count our own pages too.
    let current = current.map_or(i64::from(page), |c| c.max(i64::from(page)));
    let total = total?;
    if empty || current >= total || page >= MAX_PAGES {
        None
    } else {
        page.checked_add(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{CaCertInfo, CaInfo, CaType, X509CaParameters};

    fn record(alias: &str, ca_type: CaType, cn: &str, rgst: Option<i64>) -> CaRecord {
        CaRecord {
            ca_info: Some(CaInfo {
                alias: Some(alias.into()),
                ca_type: Some(ca_type),
                rgst_date: rgst,
                ..CaInfo::default()
            }),
            ca_cert_info: Some(CaCertInfo {
                common_name: Some(cn.into()),
                ..CaCertInfo::default()
            }),
        }
    }

    fn request() -> (CreateCaQuery, CreateCaRequest) {
        (
            CreateCaQuery {
                ca_type: CaType::PrivateRoot,
                issuer_tag: None,
            },
            CreateCaRequest {
                alias: "corp-root".into(),
                memo: None,
                key_type: crate::api::model::KeyType::Rsa2048,
                period: crate::api::model::Period::Max,
                x509_parameters: X509CaParameters {
                    common_name: "Corp Root".into(),
                    ..X509CaParameters::default()
                },
            },
        )
    }

    #[test]
    fn adoption_checks() {
        let (q, r) = request();
        let start = 1_700_000_000_000;
        let ok = record(
            "corp-root",
            CaType::PrivateRoot,
            "Corp Root",
            Some(start + 5),
        );
        assert!(looks_created_by(&ok, &q, &r, start));
        let no_date = record("corp-root", CaType::PrivateRoot, "Corp Root", None);
        assert!(looks_created_by(&no_date, &q, &r, start));
        let skewed = record(
            "corp-root",
            CaType::PrivateRoot,
            "Corp Root",
            Some(start - 60_000),
        );
        assert!(looks_created_by(&skewed, &q, &r, start));
        for bad in [
            record("other", CaType::PrivateRoot, "Corp Root", Some(start)),
            record("corp-root", CaType::PrivateSub, "Corp Root", Some(start)),
            record("corp-root", CaType::PrivateRoot, "Other CN", Some(start)),
            record(
                "corp-root",
                CaType::PrivateRoot,
                "Corp Root",
                Some(start - 86_400_000),
            ),
            CaRecord::default(),
        ] {
            assert!(!looks_created_by(&bad, &q, &r, start), "{bad:?}");
        }
    }

    #[test]
    fn page_walk_rules() {
        assert_eq!(next_page(1, Some(1), Some(3), false), Some(2));
        assert_eq!(next_page(3, Some(3), Some(3), false), None);
        assert_eq!(next_page(1, None, Some(2), false), Some(2));
        assert_eq!(next_page(1, Some(1), None, false), None);
        assert_eq!(next_page(1, Some(1), Some(5), true), None);
        assert_eq!(next_page(MAX_PAGES, Some(1), Some(i64::MAX), false), None);
        // The server ignores pageNo: the walk still ends at totalPageNo.
        assert_eq!(next_page(2, Some(1), Some(3), false), Some(3));
        assert_eq!(next_page(3, Some(1), Some(3), false), None);
    }
}
