//! `pca_ca_users`: the sub accounts holding rights on a CA (Get CA User List), in the API's
//! order.

use super::common::{ca_tag_attribute, no_ca, read_error};
use crate::api::model::CaUser;
use crate::framework::diag::Diagnostics;
use crate::framework::path::AttrPath;
use crate::framework::resource::{Ctx, DataSource};
use crate::framework::schema::{Attribute, Nesting, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use crate::resources::common::client;
use crate::resources::snapshot;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_ca_users";

/// The `pca_ca_users` data source.
pub struct CaUsersDataSource;

/// Its model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaUsersModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `users`
    pub users: Val<Vec<UserItem>>,
}

/// One user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserItem {
    /// `id_no`
    pub id_no: Val<String>,
    /// `login_id`
    pub login_id: Val<String>,
    /// `member_no`
    pub member_no: Val<String>,
}

#[async_trait]
impl DataSource for CaUsersDataSource {
    type Model = CaUsersModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "The sub accounts that hold rights on a CA (Get CA User List), as granted by `pca_ca_user`.",
        )
        .attr(ca_tag_attribute("whose users to list"))
        .attr(
            Attribute::nested(
                "users",
                Nesting::List,
                vec![
                    Attribute::string("id_no").computed().description("The sub account's ID (36 characters, UUID form)."),
                    Attribute::string("login_id").computed().description("The sub account's login ID."),
                    Attribute::string("member_no").computed().description("The sub account's NCP member number, as text exactly as the API returns it."),
                ],
            )
            .computed()
            .description("The users, in the API's order."),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        config: CaUsersModel,
        diags: &mut Diagnostics,
    ) -> Option<CaUsersModel> {
        let client = client(ctx, diags)?;
        let data = ctx.data(diags)?;
        let tag = config.ca_tag.known().cloned().unwrap_or_default();
        match snapshot::ca_users(data, client, &tag).await {
            Ok(Some(users)) => Some(to_model(config, &users)),
            Ok(None) => {
                diags.error_at(AttrPath::root("ca_tag"), "Not Found", no_ca(&tag));
                None
            }
            Err(e) => {
                read_error(diags, &e, "ca_tag", no_ca(&tag), "Unable to Read CA Users");
                None
            }
        }
    }
}

/// The result for the listed users.
fn to_model(config: CaUsersModel, users: &[CaUser]) -> CaUsersModel {
    let opt = |v: Option<String>| v.map_or(Val::Null, Val::Known);
    CaUsersModel {
        users: Val::Known(
            users
                .iter()
                .map(|u| UserItem {
                    id_no: opt(u.id_no.as_ref().map(|i| i.as_str().to_owned())),
                    login_id: opt(u.login_id.clone()),
                    member_no: opt(u.mbr_no.as_ref().map(|m| m.as_str().to_owned())),
                })
                .collect(),
        ),
        ..config
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{IdNo, MbrNo};

    #[test]
    fn users_mapping() {
        let m = to_model(
            CaUsersModel::default(),
            &[CaUser {
                login_id: Some("alice".into()),
                mbr_no: Some(MbrNo::from(2_761_234)),
                id_no: Some(IdNo::from("6e4c1234-5678-90ab-cdef-1234567a9baa")),
            }],
        );
        assert_eq!(
            m.users,
            Val::Known(vec![UserItem {
                id_no: Val::Known("6e4c1234-5678-90ab-cdef-1234567a9baa".into()),
                login_id: Val::Known("alice".into()),
                member_no: Val::Known("2761234".into()),
            }])
        );
    }
}
