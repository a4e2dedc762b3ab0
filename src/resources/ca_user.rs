//! `pca_ca_user`: a sub account's permission on a CA (Add CA User, Get CA User List, Delete
//! CA User).
//!
//! Both inputs force replacement: there is nothing to update in place. Read looks the sub
//! account up in Get CA User List (by `id_no`, ignoring case); the permission counts as gone
//! when the user is no longer listed or the CA itself is gone, so the next plan adds it again.
//! Destroy removes the permission (a permission already removed counts as done). `member_no`
//! is kept as text, exactly as the API returns it (numbers in some API editions, strings in
//! others). Import by `<ca_tag>/<id_no>`.

use super::common::{api_error, client};
use super::snapshot;
use crate::api::model::{AddCaUserRequest, CaTag, CaUser, IdNo};
use crate::framework::diag::Diagnostics;
use crate::framework::identity::Identity;
use crate::framework::resource::{Ctx, Resource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::framework::validate::{self, Validator};
use crate::provider::PcaData;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_ca_user";

/// The `pca_ca_user` resource.
pub struct CaUserResource;

/// The state and configuration of a `pca_ca_user`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaUserModel {
    /// `id` (= `<ca_tag>/<id_no>`)
    pub id: Val<String>,
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `id_no`
    pub id_no: Val<String>,
    /// `login_id`
    pub login_id: Val<String>,
    /// `member_no`
    pub member_no: Val<String>,
}

/// Whether `s` has the sub-account ID form of the API (§1.8): 36 characters, hex digits in
/// groups of 8-4-4-4-12 separated by `-` (a UUID).
pub fn is_id_no(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    s.len() == 36
        && groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `id_no` rule: a 36-character sub-account ID in UUID form.
pub fn id_no_validator() -> Validator {
    Validator::string(
        "a 36-character sub-account ID in UUID form (8-4-4-4-12 hex digits)",
        |s| {
            if is_id_no(s) {
                Ok(())
            } else {
                Err(format!(
                    "must be a 36-character sub-account ID in UUID form, such as \"6e4c1234-5678-90ab-cdef-1234567a9baa\"; got {s:?}"
                ))
            }
        },
    )
}

/// A non-empty `ca_tag` (its exact format is not documented).
pub fn ca_tag_validator() -> Validator {
    validate::length_between(1, 64)
}

#[async_trait]
impl Resource for CaUserResource {
    type Model = CaUserModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Grants a sub account permission on a CA (Add CA User).\n\nThis is how a CI job or a team gets its own key pair that may use one CA and nothing else: the main account creates the CAs and grants the sub account (`id_no`, its 36-character ID) the use of one of them. The sub account then sees only its granted CAs in `pca_cas`, and any call on another CA fails with `Permission Denied` (HTTP 401, gateway error 210); the provider's error names the operation, the CA, NAVER's permission for the operation where documented (e.g. `issueEndCert`) and this resource. Creating CAs stays the main account's. Destroying the resource (Delete CA User) takes the right away again. A full example with a second, aliased provider for the sub account is `examples/ci-sub-account` in the provider's repository; `pca-emulator --sub-account ACCESS_KEY:SECRET_KEY:ID_NO` emulates the sub account locally.\n\nBoth arguments force a new permission: nothing changes in place. A permission removed outside Terraform (or whose CA is gone) is noticed at refresh and added again by the next apply. Destroy removes the permission. Import by `<ca_tag>/<id_no>`.",
        )
        .attr(
            Attribute::string("id")
                .computed()
                .use_state_for_unknown()
                .description("`<ca_tag>/<id_no>`."),
        )
        .attr(
            Attribute::string("ca_tag")
                .required()
                .requires_replace()
                .validate(ca_tag_validator())
                .description("The CA's `ca_tag`. Changing it forces a new permission."),
        )
        .attr(
            Attribute::string("id_no")
                .required()
                .requires_replace()
                .validate(id_no_validator())
                .description("The sub account's ID: 36 characters in UUID form (8-4-4-4-12 hex digits), as shown in the Sub Account console. Changing it forces a new permission."),
        )
        .attr(
            Attribute::string("login_id")
                .computed()
                .use_state_for_unknown()
                .description("The sub account's login ID."),
        )
        .attr(
            Attribute::string("member_no")
                .computed()
                .use_state_for_unknown()
                .description("The sub account's NCP member number, as text exactly as the API returns it."),
        )
    }

    fn read_on_import(&self) -> bool {
        true
    }

    fn identity(&self) -> Option<Identity> {
        Some(
            Identity::new()
                .attr("ca_tag", "The CA's `ca_tag`.")
                .attr("id_no", "The sub account's ID (`id_no`)."),
        )
    }

    async fn create(
        &self,
        ctx: &Ctx<PcaData>,
        plan: CaUserModel,
        diags: &mut Diagnostics,
    ) -> Option<CaUserModel> {
        let client = client(ctx, diags)?;
        let tag = plan.ca_tag.known().cloned().unwrap_or_default();
        let id_no = plan.id_no.known().cloned().unwrap_or_default();
        let req = AddCaUserRequest {
            id_no: IdNo::from(id_no.as_str()),
        };
        let added = snapshot::user_write(
            ctx.data(diags),
            &tag,
            client.add_ca_user(&CaTag::from(tag.as_str()), &req),
        )
        .await;
        if let Err(e) = added {
            api_error(diags, "Unable to Add CA User", &e);
            return None;
        }
        let mut state = plan;
        state.id = Val::Known(format!("{tag}/{id_no}"));
        let users = match client.get_ca_user_list(&CaTag::from(tag.as_str())).await {
            Ok(u) => u,
            Err(e) => {
                // The permission exists: keep it in state and say what failed.
                api_error(
                    diags,
                    "CA User Added, but the User List Could Not Be Read",
                    &e,
                );
                return Some(fill_unknown(state));
            }
        };
        match find_user(&users, &id_no) {
            Some(u) => Some(from_user(state, u)),
            None => {
                diags.error(
                    "Unable to Add CA User",
                    format!(
                        "The API accepted the user {id_no} for CA {tag}, but does not list it."
                    ),
                );
                Some(fill_unknown(state))
            }
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        state: CaUserModel,
        diags: &mut Diagnostics,
    ) -> Option<CaUserModel> {
        let client = client(ctx, diags)?;
        let data = ctx.data(diags)?;
        let tag = state.ca_tag.known().cloned().unwrap_or_default();
        let id_no = state.id_no.known().cloned().unwrap_or_default();
        let users = match snapshot::ca_users(data, client, &tag).await {
            Ok(Some(u)) => u,
            // The CA is gone, and its users with it.
            Ok(None) => return None,
            Err(e) => {
                api_error(diags, "Unable to Read CA Users", &e);
                return Some(state);
            }
        };
        let user = find_user(&users, &id_no)?;
        let mut s = state;
        s.id = Val::Known(format!("{tag}/{id_no}"));
        Some(from_user(s, user))
    }

    async fn update(
        &self,
        _ctx: &Ctx<PcaData>,
        prior: CaUserModel,
        _plan: CaUserModel,
        _diags: &mut Diagnostics,
    ) -> Option<CaUserModel> {
        // Every argument forces replacement: an update has nothing to change.
        Some(prior)
    }

    async fn delete(&self, ctx: &Ctx<PcaData>, state: CaUserModel, diags: &mut Diagnostics) {
        let Some(client) = client(ctx, diags) else {
            return;
        };
        let tag = CaTag::from(state.ca_tag.known().cloned().unwrap_or_default());
        let id_no = IdNo::from(state.id_no.known().cloned().unwrap_or_default());
        let deleted = snapshot::user_write(
            ctx.data(diags),
            tag.as_str(),
            client.delete_ca_user(&tag, &id_no),
        )
        .await;
        match deleted {
            Ok(()) => {}
            // Gone already: the CA, or the user's permission (`Invalid user.`, row 42).
            Err(e)
                if e.is_not_found()
                    || e.catalogue_row() == Some(crate::api::catalogue::Row::InvalidUser) => {}
            Err(e) => api_error(diags, "Unable to Delete CA User", &e),
        }
    }

    async fn import(
        &self,
        _ctx: &Ctx<PcaData>,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<CaUserModel> {
        match parse_import_id(id) {
            Ok((tag, id_no)) => Some(CaUserModel {
                id: Val::Known(format!("{tag}/{id_no}")),
                ca_tag: Val::Known(tag),
                id_no: Val::Known(id_no),
                ..CaUserModel::default()
            }),
            Err(why) => {
                diags.error("Invalid Import ID", why);
                None
            }
        }
    }
}

/// Splits `<ca_tag>/<id_no>`, checking the sub-account ID's form.
fn parse_import_id(id: &str) -> Result<(String, String), String> {
    let usage = "Import a pca_ca_user as <ca_tag>/<id_no>, for example 1a2b3c4d-5e6f7a8b/6e4c1234-5678-90ab-cdef-1234567a9baa";
    let Some((tag, id_no)) = id
        .trim()
        .split_once('/')
        .filter(|(t, i)| !t.is_empty() && !i.is_empty())
    else {
        return Err(format!("{usage}; got {id:?}."));
    };
    if !is_id_no(id_no) {
        return Err(format!(
            "{usage}; {id_no:?} is not a 36-character sub-account ID in UUID form."
        ));
    }
    Ok((tag.to_owned(), id_no.to_owned()))
}

/// The listed user whose ID is `id_no` (ignoring case: the API may normalise it).
fn find_user<'a>(users: &'a [CaUser], id_no: &str) -> Option<&'a CaUser> {
    users.iter().find(|u| {
        u.id_no
            .as_ref()
            .is_some_and(|i| i.as_str().eq_ignore_ascii_case(id_no))
    })
}

/// Merges the listed user into the state; the configured `id_no` spelling stays.
fn from_user(mut s: CaUserModel, u: &CaUser) -> CaUserModel {
    s.login_id = u.login_id.clone().map_or(Val::Null, Val::Known);
    s.member_no = u
        .mbr_no
        .as_ref()
        .map_or(Val::Null, |m| Val::Known(m.as_str().to_owned()));
    fill_unknown(s)
}

/// Replaces what is still unknown with null: a state must be wholly known.
fn fill_unknown(mut s: CaUserModel) -> CaUserModel {
    fn f<T>(v: &mut Val<T>) {
        if v.is_unknown() {
            *v = Val::Null;
        }
    }
    f(&mut s.id);
    f(&mut s.login_id);
    f(&mut s.member_no);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::MbrNo;
    use crate::framework::path::AttrPath;

    const ID: &str = "6e4c1234-5678-90ab-cdef-1234567a9baa";

    #[test]
    fn id_no_rule_names_the_attribute() {
        assert!(is_id_no(ID));
        assert!(is_id_no(&ID.to_ascii_uppercase()));
        for bad in [
            "",
            "6e4c****-****-****-****-********9baa",
            "6e4c12345678-90ab-cdef-1234567a9baa",
            "6e4c1234-5678-90ab-cdef-1234567a9ba",
            "6e4c1234-5678-90ab-cdef-1234567a9baa-",
        ] {
            assert!(!is_id_no(bad), "{bad}");
        }
        let mut d = Diagnostics::new();
        id_no_validator().run(&"nope".into(), &AttrPath::root("id_no"), &mut d);
        assert_eq!(
            d.iter().next().and_then(|x| x.path.clone()),
            Some(AttrPath::root("id_no"))
        );
    }

    #[test]
    fn import_ids() {
        assert_eq!(
            parse_import_id(&format!(" abc-def/{ID} ")),
            Ok(("abc-def".to_owned(), ID.to_owned()))
        );
        assert!(parse_import_id("abc-def").is_err());
        assert!(parse_import_id(&format!("/{ID}")).is_err());
        assert!(
            parse_import_id("abc/123")
                .err()
                .is_some_and(|e| e.contains("\"123\""))
        );
    }

    #[test]
    fn user_mapping() {
        let users = vec![
            CaUser {
                login_id: Some("other".into()),
                mbr_no: Some(MbrNo::from(1)),
                id_no: Some(IdNo::from("00000000-0000-0000-0000-000000000000")),
            },
            CaUser {
                login_id: Some("alice".into()),
                mbr_no: Some(MbrNo::from(2_761_234)),
                id_no: Some(IdNo::from(ID)),
            },
        ];
        let found = find_user(&users, &ID.to_ascii_uppercase());
        assert_eq!(
            found.and_then(|u| u.login_id.as_deref()),
            Some("alice"),
            "found ignoring case"
        );
        assert!(find_user(&users, "11111111-0000-0000-0000-000000000000").is_none());
        let state = CaUserModel {
            id: Val::Unknown,
            ca_tag: Val::Known("t".into()),
            id_no: Val::Known(ID.to_ascii_uppercase()),
            login_id: Val::Unknown,
            member_no: Val::Unknown,
        };
        let s = from_user(state, &users[1]);
        assert_eq!(s.login_id, Val::Known("alice".into()));
        assert_eq!(s.member_no, Val::Known("2761234".into()));
        assert_eq!(s.id, Val::Null, "unknown id becomes null");
        assert_eq!(
            s.id_no,
            Val::Known(ID.to_ascii_uppercase()),
            "configured spelling kept"
        );
    }
}
