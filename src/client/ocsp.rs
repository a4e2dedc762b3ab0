//! Revocation distribution (spec §2.7, §2.19–§2.24): the CRL, its configuration, rotation
//! and trimming, and the OCSP responder URL.

use crate::api::model::{CaTag, CreateOcspRequest, CrlConfig, NoData, UpdateCrlConfigRequest};
use crate::api::ops;
use crate::client::transport::required;
use crate::client::{Client, ClientError};

impl Client {
    /// **Get CA CRL** (§2.7) — `GET /api/v1/ca/{caTag}/crl`. Idempotent. Returns the CRL
    /// as one PEM string.
    pub async fn get_ca_crl(&self, ca_tag: &CaTag) -> Result<String, ClientError> {
        let op = &ops::GET_CA_CRL;
        required(
            op,
            self.send(op, &[("caTag", ca_tag.as_str())], &[], None)
                .await?,
        )
    }

    /// **Create OCSP** (§2.19) — `PUT /api/v1/ca/{caTag}/urls` with `{"ocsp_servers": …}`.
    /// Idempotent (setting the same URL again changes nothing).
    pub async fn create_ocsp(
        &self,
        ca_tag: &CaTag,
        req: &CreateOcspRequest,
    ) -> Result<(), ClientError> {
        let op = &ops::CREATE_OCSP;
        let body = Self::json_body(op, req)?;
        self.send::<NoData>(op, &[("caTag", ca_tag.as_str())], &[], Some(body))
            .await
            .map(|_| ())
    }

    /// **Delete OCSP** (§2.20) — `DELETE /api/v1/ca/{caTag}/urls`. Idempotent.
    pub async fn delete_ocsp(&self, ca_tag: &CaTag) -> Result<(), ClientError> {
        self.send::<NoData>(&ops::DELETE_OCSP, &[("caTag", ca_tag.as_str())], &[], None)
            .await
            .map(|_| ())
    }

    /// **Get CRL Config** (§2.21) — `GET /api/v1/ca/{caTag}/crl/config`. Idempotent.
    /// `None` when never configured: `data: null` or catalogue row 67, `The crl
    /// configuration doesn't exist.` (A27; the interval in effect is then
    /// [`CrlConfig::effective_expiry`]'s default, 3 days).
    pub async fn get_crl_config(&self, ca_tag: &CaTag) -> Result<Option<CrlConfig>, ClientError> {
        let answer = self
            .send(
                &ops::GET_CRL_CONFIG,
                &[("caTag", ca_tag.as_str())],
                &[],
                None,
            )
            .await;
        match answer {
            // Catalogue row 67: the cycle was never set (the service then uses its default).
            Err(e) if e.is_crl_config_unset() => Ok(None),
            other => other,
        }
    }

    /// **Update CRL Config** (§2.22) — `PUT /api/v1/ca/{caTag}/crl/config` with
    /// `{"expiry": "<days>"}`. Idempotent. Returns the echoed configuration, if any.
    pub async fn update_crl_config(
        &self,
        ca_tag: &CaTag,
        req: &UpdateCrlConfigRequest,
    ) -> Result<Option<CrlConfig>, ClientError> {
        let op = &ops::UPDATE_CRL_CONFIG;
        let body = Self::json_body(op, req)?;
        self.send(op, &[("caTag", ca_tag.as_str())], &[], Some(body))
            .await
    }

    /// **Rotate CRL** (§2.23) — `POST /api/v1/ca/{caTag}/crl/rotate`, no body. Not
    /// idempotent by the operation table: retried only when the request provably never
    /// reached the server.
    pub async fn rotate_crl(&self, ca_tag: &CaTag) -> Result<(), ClientError> {
        self.send::<NoData>(&ops::ROTATE_CRL, &[("caTag", ca_tag.as_str())], &[], None)
            .await
            .map(|_| ())
    }

    /// **Trim CA** (§2.24) — `POST /api/v1/ca/{caTag}/trim`, no body. Not idempotent by
    /// the operation table: retried only when the request provably never reached the
    /// server.
    pub async fn trim_ca(&self, ca_tag: &CaTag) -> Result<(), ClientError> {
        self.send::<NoData>(&ops::TRIM_CA, &[("caTag", ca_tag.as_str())], &[], None)
            .await
            .map(|_| ())
    }
}
