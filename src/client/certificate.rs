//! End-entity certificate operations (spec §2.11–§2.15) and the certificate list walk.

use crate::api::model::{
    CaTag, GetEndCertData, GetEndCertListData, GetEndCertListQuery, IssueEndCertData,
    IssueEndCertRequest, NoData, PageQuery, SerialNo, SignCsrData, SignEndCsrQuery,
    SignEndCsrRequest,
};
use crate::api::ops;
use crate::client::ca::{MAX_PAGES, next_page};
use crate::client::transport::required;
use crate::client::{Client, ClientError};

impl Client {
    /// **Issue End Cert** (§2.11) — `POST /api/v1/ca/{caTag}/cert`. Not idempotent:
    /// retried only when the request provably never reached the server (a repeat would
    /// issue a second certificate). The returned private key is available only here.
    pub async fn issue_end_cert(
        &self,
        ca_tag: &CaTag,
        req: &IssueEndCertRequest,
    ) -> Result<IssueEndCertData, ClientError> {
        let op = &ops::ISSUE_END_CERT;
        let body = Self::json_body(op, req)?;
        required(
            op,
            self.send(op, &[("caTag", ca_tag.as_str())], &[], Some(body))
                .await?,
        )
    }

    /// **Sign End Csr** (§2.12) — `POST /api/v1/ca/{caTag}/cert/sign[?period=..]`. Not
    /// idempotent: retried only when the request provably never reached the server.
    pub async fn sign_end_csr(
        &self,
        ca_tag: &CaTag,
        query: &SignEndCsrQuery,
        req: &SignEndCsrRequest,
    ) -> Result<SignCsrData, ClientError> {
        let op = &ops::SIGN_END_CSR;
        let body = Self::json_body(op, req)?;
        required(
            op,
            self.send(
                op,
                &[("caTag", ca_tag.as_str())],
                &query.to_pairs(),
                Some(body),
            )
            .await?,
        )
    }

    /// **Get End Cert List** (§2.13) — `GET /api/v1/ca/{caTag}/cert?pageNo=..`. Idempotent.
    /// Returns one page; see [`Client::get_end_cert_list_all`]. `data: null` reads as an
    /// empty page.
    pub async fn get_end_cert_list(
        &self,
        ca_tag: &CaTag,
        query: &GetEndCertListQuery,
    ) -> Result<GetEndCertListData, ClientError> {
        let data = self
            .send::<GetEndCertListData>(
                &ops::GET_END_CERT_LIST,
                &[("caTag", ca_tag.as_str())],
                &query.to_pairs(),
                None,
            )
            .await?;
        Ok(data.unwrap_or_default())
    }

    /// Every certificate serial of a CA: walks Get End Cert List from `pageNo=1` while
    /// `currentPageNo < totalPageNo` (stopping at an empty page), dropping duplicates.
    pub async fn get_end_cert_list_all(
        &self,
        ca_tag: &CaTag,
    ) -> Result<Vec<SerialNo>, ClientError> {
        let mut all: Vec<SerialNo> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut page = 1u32;
        loop {
            let data = self
                .get_end_cert_list(ca_tag, &PageQuery::page(page))
                .await?;
            let more = next_page(
                page,
                data.current_page_no,
                data.total_page_no,
                data.list_certs.is_empty(),
            );
            for serial in data.list_certs {
                if seen.insert(serial.canonical()) {
                    all.push(serial);
                }
            }
            match more {
                Some(next) => page = next,
                None => return Ok(all),
            }
        }
    }

    /// Every certificate serial of a CA, with the pages fetched concurrently: page 1 first
    /// (it tells `totalPageNo`), then pages 2.. with at most `in_flight` requests at a time.
    /// Duplicates are kept (callers put the serials in a set). Without a usable
    /// `totalPageNo` it walks like [`Client::get_end_cert_list_all`].
    pub async fn get_end_cert_list_concurrent(
        &self,
        ca_tag: &CaTag,
        in_flight: usize,
    ) -> Result<Vec<SerialNo>, ClientError> {
        let first = self.get_end_cert_list(ca_tag, &PageQuery::page(1)).await?;
        self.get_end_cert_list_rest(ca_tag, first, in_flight).await
    }

    /// The rest of [`Client::get_end_cert_list_concurrent`] once page 1 is known (it may
    /// have been fetched ahead of need): every serial of the CA.
    pub async fn get_end_cert_list_rest(
        &self,
        ca_tag: &CaTag,
        first: GetEndCertListData,
        in_flight: usize,
    ) -> Result<Vec<SerialNo>, ClientError> {
        let total = match first.total_page_no {
            Some(t) if t > 1 && !first.list_certs.is_empty() => {
                u32::try_from(t.min(i64::from(MAX_PAGES))).unwrap_or(1)
            }
            Some(_) => return Ok(first.list_certs),
            None => return self.get_end_cert_list_all(ca_tag).await,
        };
        let mut all = first.list_certs;
        let mut tasks = tokio::task::JoinSet::new();
        let mut next = 2u32;
        loop {
            while tasks.len() < in_flight.max(1) && next <= total {
                let (client, tag, page) = (self.clone(), ca_tag.clone(), next);
                tasks.spawn(
                    async move { client.get_end_cert_list(&tag, &PageQuery::page(page)).await },
                );
                next += 1;
            }
            match tasks.join_next().await {
                None => return Ok(all),
                Some(Ok(Ok(page))) => all.extend(page.list_certs),
                Some(Ok(Err(e))) => return Err(e),
                // A page task that panicked or was cancelled: fall back to the plain walk.
                Some(Err(_)) => return self.get_end_cert_list_all(ca_tag).await,
            }
        }
    }

    /// **Get End Cert** (§2.14) — `GET /api/v1/ca/{caTag}/cert/{serialNo}` (the serial's
    /// colons unescaped). Idempotent.
    pub async fn get_end_cert(
        &self,
        ca_tag: &CaTag,
        serial_no: &SerialNo,
    ) -> Result<GetEndCertData, ClientError> {
        let op = &ops::GET_END_CERT;
        required(
            op,
            self.send(
                op,
                &[("caTag", ca_tag.as_str()), ("serialNo", serial_no.as_str())],
                &[],
                None,
            )
            .await?,
        )
    }

    /// **Revoke End Cert** (§2.15) — `POST /api/v1/ca/{caTag}/cert/{serialNo}/revoke`, no
    /// body. Not idempotent by the operation table: retried only when the request provably
    /// never reached the server.
    pub async fn revoke_end_cert(
        &self,
        ca_tag: &CaTag,
        serial_no: &SerialNo,
    ) -> Result<(), ClientError> {
        self.send::<NoData>(
            &ops::REVOKE_END_CERT,
            &[("caTag", ca_tag.as_str()), ("serialNo", serial_no.as_str())],
            &[],
            None,
        )
        .await
        .map(|_| ())
    }
}
