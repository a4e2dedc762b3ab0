//! CA users (spec §2.16–§2.18): sub accounts holding rights on a CA. The user list has no
//! paging, so there is no `_all` helper.

use crate::api::model::{AddCaUserRequest, CaTag, CaUser, IdNo, NoData};
use crate::api::ops;
use crate::client::{Client, ClientError};

impl Client {
    /// **Add CA User** (§2.16) — `POST /api/v1/ca/{caTag}/users` with `{"idNo": …}`. Not
    /// idempotent by the operation table: retried only when the request provably never
    /// reached the server.
    pub async fn add_ca_user(
        &self,
        ca_tag: &CaTag,
        req: &AddCaUserRequest,
    ) -> Result<(), ClientError> {
        let op = &ops::ADD_CA_USER;
        let body = Self::json_body(op, req)?;
        self.send::<NoData>(op, &[("caTag", ca_tag.as_str())], &[], Some(body))
            .await
            .map(|_| ())
    }

    /// **Get CA User List** (§2.17) — `GET /api/v1/ca/{caTag}/users`. Idempotent. No
    /// paging; `data: null` reads as no users.
    pub async fn get_ca_user_list(&self, ca_tag: &CaTag) -> Result<Vec<CaUser>, ClientError> {
        let data = self
            .send::<Vec<CaUser>>(
                &ops::GET_CA_USER_LIST,
                &[("caTag", ca_tag.as_str())],
                &[],
                None,
            )
            .await?;
        Ok(data.unwrap_or_default())
    }

    /// **Delete CA User** (§2.18) — `DELETE /api/v1/ca/{caTag}/users/{idNo}`. Idempotent.
    pub async fn delete_ca_user(&self, ca_tag: &CaTag, id_no: &IdNo) -> Result<(), ClientError> {
        self.send::<NoData>(
            &ops::DELETE_CA_USER,
            &[("caTag", ca_tag.as_str()), ("idNo", id_no.as_str())],
            &[],
            None,
        )
        .await
        .map(|_| ())
    }
}
