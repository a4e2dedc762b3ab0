//! CA handlers: Create CA (§2.1), Get CA List (§2.2), Get CA (§2.3), Update CA (§2.4),
//! Delete CA (§2.5), Get CA Chain (§2.6), Get Sub CSR (§2.8), Sign Sub Csr (§2.9) and
//! Activate Sub CA (§2.10), with the status machine of §1.10:
//!
//! ```text
//! Create PRIVATE_ROOT                       -> ACTIVE
//! Create PRIVATE_SUB + issuerTag            -> ACTIVE   (the parent, ACTIVE, signs at once)
//! Create PRIVATE_SUB                        -> PENDING  (Get Sub CSR → Sign Sub Csr → Activate)
//! PENDING     --Activate Sub CA-->             ACTIVE
//! ACTIVE      --status DEACTIVATED-->          DEACTIVATED
//! DEACTIVATED --status ACTIVE-->               ACTIVE
//! ACTIVE | DEACTIVATED | PENDING --status DESTROYING--> DESTROYING (destroyDate = now + 72 h)
//! DESTROYING  --status ACTIVE-->               ACTIVE (PENDING if never signed): cancels
//! DESTROYING  --Delete CA / 72 h elapsed-->    gone, with every CA below it
//! same status --> no change (memo may change); anything else: 400 INVALID_CA_STATUS
//! ```
//!
//! Depends on `crate::emulator` and `crate::api` only.

use axum::response::Response;

use crate::api::ErrorCode;
use crate::api::catalogue::Row;
use crate::api::limits::{self, ALIAS_MAX_LEN, DESTROY_GRACE_MS};
use crate::api::model::{
    ActivateSubCaRequest, CaChain, CaStatus, CaType, CreateCaRequest, GetCaListData, GetSubCsrData,
    SerialNo, SignCsrData, SignSubCsrRequest, UpdateCaData, UpdateCaRequest,
};
use crate::emulator::error::EmuError;
use crate::emulator::handlers::common::{
    ACTIVE, DEACTIVATED, DESTROYING, PENDING, PRIVATE_SUB, ca_record, chain_blocks, check_csr_key,
    check_len, issuer_of, key_type, period_days, pki_err, pki_err_as, pki_err_as_row,
    require_active, require_signing_room, urls_of, validate_ca_params,
};
use crate::emulator::handlers::{Call, load_ca, ok, ok_null, page_count, page_of};
use crate::emulator::pki::{self, CaKey, PkiError, Subject};
use crate::emulator::state::EmuState;
use crate::emulator::store::{self, CaCert, CaRow, CertRow, NewCa};

/// How many fresh tags to try before giving up (collisions are astronomically rare).
const TAG_ATTEMPTS: usize = 16;

fn check_alias(alias: &str) -> Result<(), EmuError> {
    if alias.is_empty() {
        return Err(EmuError::api(ErrorCode::EmptyCaAlias));
    }
    if alias.chars().count() > ALIAS_MAX_LEN {
        return Err(EmuError::detail(
            ErrorCode::ExceedCaAlias,
            format!("alias is longer than {ALIAS_MAX_LEN} characters"),
        ));
    }
    if !limits::is_valid_alias(alias) {
        return Err(EmuError::detail(
            ErrorCode::InvalidInput,
            "alias must be 3-15 letters, digits, '-' or '_', starting with a letter",
        ));
    }
    Ok(())
}

/// Account-wide checks of Create CA: room for one more CA and a free alias.
fn check_account(state: &EmuState, c: &rusqlite::Connection, alias: &str) -> Result<(), EmuError> {
    let max = i64::try_from(state.config().max_cas).unwrap_or(i64::MAX);
    if store::count_cas(c)? >= max {
        return Err(EmuError::TooManyCas);
    }
    if store::alias_exists(c, alias)? {
        return Err(EmuError::detail(
            ErrorCode::AlreadyExistAlias,
            format!("alias {alias:?} is taken"),
        ));
    }
    Ok(())
}

/// The parent of a sub CA created with `issuerTag`: it must exist, be `ACTIVE`, and have
/// room for one more signature.
fn check_parent(state: &EmuState, c: &rusqlite::Connection, tag: &str) -> Result<CaRow, EmuError> {
    let parent = store::get_ca(c, tag)?.ok_or_else(|| {
        EmuError::detail(
            ErrorCode::NotExistIssuerCa,
            format!("no issuer CA with tag {tag:?}"),
        )
    })?;
    if parent.status != ACTIVE {
        return Err(EmuError::row(
            Row::InvalidIssuerCaStatus,
            format!("the issuer CA is {}, signing needs ACTIVE", parent.status),
        ));
    }
    require_signing_room(state, &parent)?;
    Ok(parent)
}

/// Engine errors of signing a sub CA: an issuer unable to sign CA certificates (e.g.
/// `pathLenConstraint` 0) is `INVALID_ISSUER_CA`.
fn issuer_err(e: PkiError) -> EmuError {
    match e {
        PkiError::BadCert(m) => EmuError::detail(ErrorCode::InvalidIssuerCa, m),
        other => pki_err(other),
    }
}

/// A record of a certificate signed by `ca` (its end-certificate list).
pub(crate) fn cert_row(
    ca: &CaRow,
    kind: &str,
    issued: &pki::Issued,
    ocsp_url: Option<&str>,
) -> Result<CertRow, EmuError> {
    let info = pki::cert_info(&issued.pem).map_err(pki_err)?;
    Ok(CertRow {
        id: 0,
        ca_tag: ca.ca_tag.clone(),
        serial: issued.serial.clone(),
        kind: kind.to_owned(),
        common_name: info.subject.common_name.unwrap_or_default(),
        cert_pem: issued.pem.clone(),
        not_before: issued.not_before_ms,
        not_after: issued.not_after_ms,
        public_key_algorithm: info.public_key_algorithm,
        signature_algorithm: info.signature_algorithm,
        ocsp_url: ocsp_url.map(str::to_owned),
        revoked_at: None,
    })
}

/// Records a signature in the signer's list, rechecking (inside the transaction) that the
/// signer is still `ACTIVE` and below its signing limit.
pub(crate) fn record_signature(
    state: &EmuState,
    c: &rusqlite::Connection,
    signer_tag: &str,
    row: &CertRow,
) -> Result<(), EmuError> {
    let signer = load_ca(c, signer_tag)?;
    require_active(&signer)?;
    require_signing_room(state, &signer)?;
    store::insert_cert(c, row)?;
    store::bump_signing_count(c, signer_tag)
}

/// Create CA — `POST /ca?caType=..[&issuerTag=..]` (§2.1).
pub(crate) fn create_ca(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let req: CreateCaRequest = call.json()?;
    let ca_type = match call.query("caType").map(str::trim) {
        None | Some("") => return Err(EmuError::api(ErrorCode::EmptyCaType)),
        Some(t) => CaType::from_wire(t),
    };
    if !ca_type.is_known() {
        return Err(EmuError::row(
            Row::InvalidCaType,
            format!(
                "caType {:?} is not PRIVATE_ROOT or PRIVATE_SUB",
                ca_type.as_str()
            ),
        ));
    }
    let issuer_tag = call
        .query("issuerTag")
        .map(str::trim)
        .filter(|t| !t.is_empty());
    check_alias(&req.alias)?;
    check_len(Row::MemoTooLong, req.memo.as_ref(), limits::MEMO_MAX_LEN)?;
    if req.key_type.is_missing() {
        return Err(EmuError::api(ErrorCode::EmptyKeyType));
    }
    let kt = key_type(&req.key_type)?;
    if req.period.is_missing() {
        return Err(EmuError::api(ErrorCode::EmptyCaTtl));
    }
    let sans = validate_ca_params(&req.x509_parameters)?;
    if ca_type == CaType::PrivateRoot && issuer_tag.is_some() {
        return Err(EmuError::detail(
            ErrorCode::InvalidIssuerCa,
            "issuerTag is only meaningful with caType=PRIVATE_SUB",
        ));
    }
    let now = state.now_ms();

    // Cheap checks first (rechecked in the transaction), then the expensive key.
    let parent = state.store().read(|c| {
        check_account(state, c, &req.alias)?;
        issuer_tag.map(|t| check_parent(state, c, t)).transpose()
    })?;
    let days = period_days(
        &req.period,
        true,
        parent.as_ref().and_then(|p| p.not_after),
        now,
    )?;
    let subject = Subject::from_ca_parameters(&req.x509_parameters);
    let key = CaKey::generate(kt.clone()).map_err(pki_err)?;
    let serial = pki::new_serial().map_err(pki_err)?;

    let mut signed_by_parent = None;
    let (cert, csr_pem, status) = match (&ca_type, &parent) {
        (CaType::PrivateRoot, _) => {
            let issued = pki::self_signed_root(&key, &subject, &sans, days, &serial, now)
                .map_err(pki_err)?;
            let cert = CaCert {
                chain_pem: pki::chain_pem(&[&issued.pem]),
                cert_pem: issued.pem,
                serial: issued.serial,
                not_before: issued.not_before_ms,
                not_after: issued.not_after_ms,
            };
            (Some(cert), None, ACTIVE)
        }
        (_, Some(parent)) => {
            let csr = pki::sub_ca_csr(&key, &subject, &sans).map_err(pki_err)?;
            let signer = issuer_of(state, parent)?;
            let issued = pki::sign_sub_ca(
                &signer.issuer(),
                &csr,
                days,
                &serial,
                &urls_of(state, parent),
                now,
            )
            .map_err(issuer_err)?;
            let row = cert_row(parent, "SUB", &issued, parent.ocsp_url.as_deref())?;
            signed_by_parent = Some(row);
            let cert = CaCert {
                chain_pem: pki::chain_pem(&[
                    &issued.pem,
                    parent.chain_pem.as_deref().unwrap_or_default(),
                ]),
                cert_pem: issued.pem,
                serial: issued.serial,
                not_before: issued.not_before_ms,
                not_after: issued.not_after_ms,
            };
            (Some(cert), None, ACTIVE)
        }
        (_, None) => {
            let csr = pki::sub_ca_csr(&key, &subject, &sans).map_err(pki_err)?;
            (None, Some(csr), PENDING)
        }
    };
    let params_json = serde_json::to_string(&req.x509_parameters).map_err(EmuError::internal)?;
    let row = state.store().write(|c| {
        check_account(state, c, &req.alias)?;
        let mut tag = None;
        for _ in 0..TAG_ATTEMPTS {
            let candidate = state.ids().ca_tag();
            if !store::tag_exists(c, &candidate)? {
                tag = Some(candidate);
                break;
            }
        }
        let tag = tag.ok_or_else(|| EmuError::internal("no free CA tag"))?;
        if let (Some(parent), Some(row)) = (&parent, &signed_by_parent) {
            record_signature(state, c, &parent.ca_tag, row)?;
        }
        store::insert_ca(
            c,
            &NewCa {
                ca_tag: tag.clone(),
                alias: req.alias.clone(),
                memo: req.memo.clone(),
                ca_type: ca_type.as_str().to_owned(),
                status: status.to_owned(),
                parent_tag: parent.as_ref().map(|p| p.ca_tag.clone()),
                key_type: kt.as_str().to_owned(),
                key_pem: key.to_pem(),
                params_json: params_json.clone(),
                csr_pem: csr_pem.clone(),
                cert: cert.clone(),
                now,
            },
        )?;
        load_ca(c, &tag)
    })?;
    ok(ca_record(state, &row)?)
}

/// Get CA List — `GET /ca?pageNo=..` (§2.2).
pub(crate) fn get_ca_list(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let size = state.config().ca_page_size;
    let (page, offset) = page_of(call, size)?;
    let limit = i64::try_from(size).unwrap_or(i64::MAX);
    let (total, rows) = state.store().read(|c| match &call.sub_account {
        None => Ok((store::count_cas(c)?, store::list_cas(c, offset, limit)?)),
        Some(id) => Ok((
            store::count_cas_of_user(c, id)?,
            store::list_cas_of_user(c, id, offset, limit)?,
        )),
    })?;
    let list = rows
        .iter()
        .map(|r| ca_record(state, r))
        .collect::<Result<Vec<_>, _>>()?;
    ok(GetCaListData {
        total_cnt: Some(total),
        total_page_no: Some(page_count(total, size)),
        current_page_no: Some(page),
        ca_info_list: list,
    })
}

/// Get CA — `GET /ca/{caTag}` (§2.3).
pub(crate) fn get_ca(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let row = state.store().read(|c| load_ca(c, call.ca_tag()))?;
    ok(ca_record(state, &row)?)
}

/// The status an Update CA leads to (§1.10), or `INVALID_CA_STATUS`.
fn transition(ca: &CaRow, target: &CaStatus, now: i64) -> Result<(String, Option<i64>), EmuError> {
    let target = target.as_str();
    let current = ca.status.as_str();
    let next = match (current, target) {
        (c, t) if c == t => return Ok((ca.status.clone(), ca.destroy_date)),
        (ACTIVE, DEACTIVATED) | (DEACTIVATED, ACTIVE) => target,
        (ACTIVE | DEACTIVATED | PENDING, DESTROYING) => {
            return Ok((DESTROYING.to_owned(), Some(now + DESTROY_GRACE_MS)));
        }
        (DESTROYING, ACTIVE) if ca.cert_pem.is_none() => PENDING,
        (DESTROYING, ACTIVE) => ACTIVE,
        _ => {
            // Row 51 (`Invalid status.`): the requested status, not the CA's, is wrong.
            return Err(EmuError::Api {
                code: ErrorCode::InvalidCaStatus,
                row: Some(Row::InvalidStatus),
                detail: Some(format!("cannot go from {current} to {target}")),
            });
        }
    };
    Ok((next.to_owned(), None))
}

/// Update CA — `PUT /ca/{caTag}` (§2.4).
pub(crate) fn update_ca(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let req: UpdateCaRequest = call.json()?;
    let tag = call.ca_tag();
    state.store().read(|c| load_ca(c, tag))?;
    if req.status.is_missing() {
        return Err(EmuError::api(ErrorCode::EmptyStatus));
    }
    check_len(Row::MemoTooLong, req.memo.as_ref(), limits::MEMO_MAX_LEN)?;
    if !matches!(
        req.status,
        CaStatus::Active | CaStatus::Deactivated | CaStatus::Destroying
    ) {
        return Err(EmuError::detail(
            ErrorCode::InvalidInputStatus,
            format!(
                "status {:?} is not ACTIVE, DEACTIVATED or DESTROYING",
                req.status.as_str()
            ),
        ));
    }
    let now = state.now_ms();
    let row = state.store().write(|c| {
        let ca = load_ca(c, tag)?;
        let (status, destroy_date) = transition(&ca, &req.status, now)?;
        let changed = status != ca.status;
        store::update_status(
            c,
            tag,
            &status,
            changed,
            destroy_date,
            req.memo.as_deref(),
            now,
        )?;
        load_ca(c, tag)
    })?;
    ok(UpdateCaData::from(ca_record(state, &row)?))
}

/// Delete CA — `DELETE /ca/{caTag}` (§2.5): only in `DESTROYING`; removes the CA and every
/// CA below it, with their certificates and users.
pub(crate) fn delete_ca(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let tag = call.ca_tag();
    state.store().write(|c| {
        let ca = load_ca(c, tag)?;
        if ca.status != DESTROYING {
            return Err(EmuError::ca_status(format!(
                "the CA is {}; Delete CA needs DESTROYING (Update CA first)",
                ca.status
            )));
        }
        store::delete_ca_tree(c, tag)
    })?;
    ok_null()
}

/// Get CA Chain — `GET /ca/{caTag}/chain` (§2.6): the CA certificate, then its parents up
/// to the root.
pub(crate) fn get_ca_chain(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let ca = state.store().read(|c| load_ca(c, call.ca_tag()))?;
    let chain = ca
        .chain_pem
        .ok_or_else(|| EmuError::ca_status("the CA has no certificate yet (PENDING)"))?;
    ok(chain)
}

/// Get Sub CSR — `GET /ca/{caTag}/sub/csr` (§2.8): the CSR fixed at creation, only for an
/// unsigned `PENDING` sub CA.
pub(crate) fn get_sub_csr(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let ca = state.store().read(|c| load_ca(c, call.ca_tag()))?;
    match ca.csr_pem {
        Some(csr) if ca.ca_type == PRIVATE_SUB && ca.status == PENDING && ca.cert_pem.is_none() => {
            ok(GetSubCsrData { csr_pem: Some(csr) })
        }
        _ if ca.ca_type != PRIVATE_SUB => Err(EmuError::row(
            Row::InvalidCa,
            "a root CA has no CSR (Get Sub CSR needs an intermediate CA)",
        )),
        _ => Err(EmuError::ca_status(format!(
            "the CA is a {} in status {}; Get Sub CSR needs an unsigned PENDING sub CA",
            ca.ca_type, ca.status
        ))),
    }
}

/// The `data` of the sign operations (§2.9, §2.12).
pub(crate) fn signed_data(ca: &CaRow, issued: pki::Issued) -> SignCsrData {
    SignCsrData {
        certificate: Some(issued.pem),
        ca_chain: Some(CaChain::List(chain_blocks(ca))),
        issuer: ca.cert_pem.clone(),
        serial_no: Some(SerialNo(issued.serial)),
        ocsp_responder: Some(ca.ocsp_url.clone().unwrap_or_default()),
    }
}

/// Sign Sub Csr — `POST /ca/{caTag}/sub/sign` (§2.9): the CA in the path (the parent)
/// signs an intermediate's CSR.
pub(crate) fn sign_sub_csr(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let req: SignSubCsrRequest = call.json()?;
    let tag = call.ca_tag();
    let ca = state.store().read(|c| load_ca(c, tag))?;
    if req.period.is_missing() {
        return Err(EmuError::api(ErrorCode::EmptyCaTtl));
    }
    if req.csr_pem.trim().is_empty() {
        return Err(EmuError::api(ErrorCode::EmptyCsr));
    }
    require_active(&ca)?;
    require_signing_room(state, &ca)?;
    let now = state.now_ms();
    let csr = pki::parse_csr(&req.csr_pem).map_err(pki_err_as_row(Row::InvalidCsr))?;
    check_csr_key(
        &csr,
        req.key_type.as_deref(),
        req.key_bits.as_deref(),
        state.config().require_key_params,
    )?;
    let days = period_days(&req.period, false, ca.not_after, now)?;
    let signer = issuer_of(state, &ca)?;
    let serial = pki::new_serial().map_err(pki_err)?;
    let issued = pki::sign_sub_ca(
        &signer.issuer(),
        &req.csr_pem,
        days,
        &serial,
        &urls_of(state, &ca),
        now,
    )
    .map_err(issuer_err)?;
    let row = cert_row(&ca, "SUB", &issued, ca.ocsp_url.as_deref())?;
    state
        .store()
        .write(|c| record_signature(state, c, tag, &row))?;
    ok(signed_data(&ca, issued))
}

/// Activate Sub CA — `POST /ca/{caTag}/activate` (§2.10): installs the signed certificate
/// of a `PENDING` sub CA after checking its key and chain.
pub(crate) fn activate_sub_ca(state: &EmuState, call: &Call) -> Result<Response, EmuError> {
    let req: ActivateSubCaRequest = call.json()?;
    let tag = call.ca_tag();
    let ca = state.store().read(|c| load_ca(c, tag))?;
    if req.cert_pem.trim().is_empty() {
        return Err(EmuError::api(ErrorCode::EmptyCert));
    }
    if req.ca_chain_pem.trim().is_empty() {
        return Err(EmuError::row(Row::ChainMissing, "caChainPem is missing"));
    }
    if ca.ca_type != PRIVATE_SUB {
        return Err(EmuError::row(
            Row::InvalidCa,
            "a root CA cannot be activated (Activate Sub CA needs an intermediate CA)",
        ));
    }
    if ca.status != PENDING || ca.cert_pem.is_some() {
        return Err(EmuError::ca_status(format!(
            "the CA is {}; Activate Sub CA needs a PENDING sub CA",
            ca.status
        )));
    }
    let info = pki::cert_info(&req.cert_pem).map_err(pki_err_as(ErrorCode::InvalidInputCert))?;
    let now = state.now_ms();
    if info.not_after_ms <= now {
        return Err(EmuError::row(
            Row::ExpiredCert,
            "the certificate has expired",
        ));
    }
    let blocks = crate::api::model::split_pem_blocks(&req.ca_chain_pem);
    let mut chain_infos = Vec::with_capacity(blocks.len());
    for b in &blocks {
        chain_infos.push(pki::cert_info(b).map_err(pki_err_as(ErrorCode::InvalidInputCaChain))?);
    }
    if chain_infos.is_empty() {
        return Err(EmuError::detail(
            ErrorCode::InvalidInputCaChain,
            "caChainPem holds no certificate",
        ));
    }
    let key = CaKey::from_pem(&ca.key_pem)
        .map_err(|e| EmuError::internal(format_args!("stored key of {tag}: {e}")))?;
    pki::check_activation(&key, &req.cert_pem, &req.ca_chain_pem).map_err(|e| match e {
        PkiError::KeyMismatch | PkiError::BadCert(_) => {
            EmuError::row(Row::InvalidCert, e.to_string())
        }
        PkiError::ChainInvalid(_) | PkiError::BadPem(_) => {
            EmuError::detail(ErrorCode::InvalidInputCaChain, e.to_string())
        }
        other => pki_err(other),
    })?;
    let cert_pem = pki::chain_pem(&[&req.cert_pem]);
    let mut parts: Vec<&str> = vec![&cert_pem];
    parts.extend(blocks.iter().map(String::as_str));
    let cert = CaCert {
        chain_pem: pki::chain_pem(&parts),
        cert_pem,
        serial: info.serial,
        not_before: info.not_before_ms,
        not_after: info.not_after_ms,
    };
    let signer_serial = chain_infos.first().map(|i| i.serial.clone());
    let row = state.store().write(|c| {
        let ca = load_ca(c, tag)?;
        if ca.status != PENDING || ca.cert_pem.is_some() {
            return Err(EmuError::ca_status("the CA is no longer PENDING"));
        }
        let parent = match &signer_serial {
            Some(s) => store::find_ca_by_serial(c, s)?.filter(|p| p != tag),
            None => None,
        };
        store::activate_ca(c, tag, &cert, parent.as_deref(), now)?;
        load_ca(c, tag)
    })?;
    ok(ca_record(state, &row)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ca(status: &str, signed: bool) -> CaRow {
        CaRow {
            ca_id: 1,
            ca_tag: "t".into(),
            alias: "a".into(),
            memo: None,
            ca_type: PRIVATE_SUB.into(),
            status: status.into(),
            parent_tag: None,
            key_type: "EC256".into(),
            key_pem: String::new(),
            params_json: "{}".into(),
            csr_pem: None,
            cert_pem: signed.then(String::new),
            chain_pem: None,
            cert_serial: None,
            not_before: None,
            not_after: None,
            signing_count: 0,
            rgst_date: 0,
            status_update_date: 0,
            destroy_date: Some(9),
            ocsp_url: None,
            crl_expiry: None,
            crl_revision: 0,
            crl_pem: None,
            crl_built_revision: 0,
            crl_next_update: None,
        }
    }

    #[test]
    fn status_machine() {
        use CaStatus::*;
        let go = |from: &str, signed: bool, to: CaStatus| transition(&ca(from, signed), &to, 100);
        assert_eq!(
            go(ACTIVE, true, Deactivated).unwrap(),
            (DEACTIVATED.into(), None)
        );
        assert_eq!(
            go(DEACTIVATED, true, Active).unwrap(),
            (ACTIVE.into(), None)
        );
        for from in [ACTIVE, DEACTIVATED, PENDING] {
            assert_eq!(
                go(from, from != PENDING, Destroying).unwrap(),
                (DESTROYING.into(), Some(100 + DESTROY_GRACE_MS))
            );
        }
        assert_eq!(go(DESTROYING, true, Active).unwrap(), (ACTIVE.into(), None));
        assert_eq!(
            go(DESTROYING, false, Active).unwrap(),
            (PENDING.into(), None)
        );
        assert_eq!(
            go(DESTROYING, true, Destroying).unwrap(),
            (DESTROYING.into(), Some(9))
        );
        for (from, to) in [
            (PENDING, Active),
            (PENDING, Deactivated),
            (DESTROYING, Deactivated),
        ] {
            assert_eq!(
                go(from, false, to).unwrap_err().code(),
                Some(ErrorCode::InvalidCaStatus)
            );
        }
    }

    #[test]
    fn aliases() {
        assert!(check_alias("corp-root").is_ok());
        assert_eq!(
            check_alias("").unwrap_err().code(),
            Some(ErrorCode::EmptyCaAlias)
        );
        assert_eq!(
            check_alias("a234567890123456").unwrap_err().code(),
            Some(ErrorCode::ExceedCaAlias)
        );
        for bad in ["ab", "1abc", "a b c", "ab.c"] {
            assert_eq!(
                check_alias(bad).unwrap_err().code(),
                Some(ErrorCode::InvalidInput)
            );
        }
    }
}
