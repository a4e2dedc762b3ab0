//! CA users (sub accounts holding rights on a CA): Add CA User (§2.16), Get CA User List
//! (§2.17), Delete CA User (§2.18).
//!
//! The emulator has no IAM: any `idNo` in the documented 36-character UUID form is a valid
//! sub account. Its `loginId` and `mbrNo` are derived from the `idNo`, so they are stable.
//!
//! Depends on `crate::emulator` and `crate::api` only.

use axum::response::Response;

use crate::api::ErrorCode;
use crate::api::catalogue::Row;
use crate::api::model::{AddCaUserRequest, CaUser, IdNo, MbrNo};
use crate::emulator::error::EmuError;
use crate::emulator::handlers::{Call, load_ca, ok, ok_null};
use crate::emulator::state::EmuState;
use crate::emulator::store::{self, UserRow};

/// Whether `id` has the UUID form `8-4-4-4-12` hex digits (36 characters, §1.9).
fn is_id_no(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The canonical (lower-case) `idNo`, or `INVAILD_ID_NO` (sic).
fn id_no(text: &str) -> Result<String, EmuError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(EmuError::api(ErrorCode::EmptyIdNo));
    }
    if !is_id_no(t) {
        return Err(EmuError::detail(
            ErrorCode::InvaildIdNo,
            format!("idNo {t:?} is not a 36-character sub-account ID"),
        ));
    }
    Ok(t.to_ascii_lowercase())
}

/// The made-up sub account behind an `idNo`.
fn account_of(id: &str) -> UserRow {
    // FNV-1a: a stable number from the id.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    UserRow {
        id_no: id.to_owned(),
        login_id: format!("subaccount-{}", &id[..8]),
        mbr_no: 2_000_000 + i64::try_from(h % 8_000_000).unwrap_or(0),
    }
}

/// Add CA User — `POST /ca/{caTag}/users` (§2.16); adding a present user changes nothing.
pub(crate) fn add_ca_user(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let req: AddCaUserRequest = call.json()?;
    let tag = call.ca_tag();
    state.store().read(|c| load_ca(c, tag))?;
    let id = id_no(req.id_no.as_str())?;
    let now = state.now_ms();
    state.store().write(|c| {
        load_ca(c, tag)?;
        store::add_user(c, tag, &account_of(&id), now)
    })?;
    ok_null()
}

/// Get CA User List — `GET /ca/{caTag}/users` (§2.17), in the order added.
pub(crate) fn get_ca_user_list(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let tag = call.ca_tag();
    let users = state.store().read(|c| {
        load_ca(c, tag)?;
        store::list_users(c, tag)
    })?;
    ok(users
        .into_iter()
        .map(|u| CaUser {
            login_id: Some(u.login_id),
            mbr_no: Some(MbrNo(u.mbr_no.to_string())),
            id_no: Some(IdNo(u.id_no)),
        })
        .collect::<Vec<_>>())
}

/// Delete CA User — `DELETE /ca/{caTag}/users/{idNo}` (§2.18); `404` when the user has no
/// rights on the CA.
pub(crate) fn delete_ca_user(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let tag = call.ca_tag();
    state.store().write(|c| {
        load_ca(c, tag)?;
        let id = id_no(call.param("idNo"))?;
        if store::delete_user(c, tag, &id)? {
            Ok(())
        } else {
            Err(EmuError::row(
                Row::InvalidUser,
                format!("no user {id} on CA {tag}"),
            ))
        }
    })?;
    ok_null()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        let id = "6e4c1234-5678-90ab-cdef-1234567a9baa";
        assert_eq!(id_no(id).unwrap(), id);
        assert_eq!(id_no(&id.to_uppercase()).unwrap(), id);
        assert_eq!(id_no("").unwrap_err().code(), Some(ErrorCode::EmptyIdNo));
        for bad in [
            "x",
            "6e4c1234567890abcdef1234567a9baa1234",
            "6e4c1234-5678-90ab-cdef-1234567a9bax",
        ] {
            assert_eq!(id_no(bad).unwrap_err().code(), Some(ErrorCode::InvaildIdNo));
        }
        let a = account_of(id);
        assert_eq!(a, account_of(id));
        assert_eq!(a.login_id, "subaccount-6e4c1234");
        assert!((2_000_000..10_000_000).contains(&a.mbr_no));
    }
}
