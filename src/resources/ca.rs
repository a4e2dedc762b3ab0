//! `pca_ca`: a root or intermediate CA.
//!
//! Lifecycle: created with Create CA (a root; a sub CA signed at once by `issuer_ca_tag`; or a
//! sub CA without issuer that waits in `PENDING`, exposes `csr_pem`, and is activated by
//! `pca_sub_ca_activation`). `memo` and `status` change in place with Update CA. Destroy sets
//! the status to `DESTROYING` and deletes the CA at once, which also ends its sub CAs; while
//! `deletion_protection` is true, destroy fails and nothing is touched. A CA found in
//! `DESTROYING` (scheduled for deletion outside Terraform) counts as gone. Import by `ca_tag`.

use super::common::{
    Subject, alt_name_validator, api_error, api_error_at, cert_summary, client, days_between,
    ip_validator, join_list, keep_pem, rfc3339, subject_attribute, validity_days_attribute,
};
use super::snapshot;
use crate::api::catalogue::Row;
use crate::api::error::ErrorCode;
use crate::api::model::{
    CaRecord, CaStatus, CaTag, CaType, CreateCaQuery, CreateCaRequest, KeyType, Period,
    UpdateCaRequest, X509CaParameters,
};
use crate::client::{Client, ClientError};
use crate::framework::Type;
use crate::framework::diag::Diagnostics;
use crate::framework::identity::Identity;
use crate::framework::path::AttrPath;
use crate::framework::resource::{Ctx, Resource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::framework::validate::{self, Validator};
use crate::provider::PcaData;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_ca";

/// The `pca_ca` resource.
pub struct CaResource;

/// The state and configuration of a `pca_ca`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaModel {
    /// `id` (= `ca_tag`)
    pub id: Val<String>,
    /// `alias`
    pub alias: Val<String>,
    /// `ca_type`
    pub ca_type: Val<String>,
    /// `issuer_ca_tag`
    pub issuer_ca_tag: Val<String>,
    /// `key_type`
    pub key_type: Val<String>,
    /// `validity_days`
    pub validity_days: Val<i64>,
    /// `subject`
    pub subject: Val<Subject>,
    /// `alt_names`
    pub alt_names: Val<Vec<String>>,
    /// `ip_addresses`
    pub ip_addresses: Val<Vec<String>>,
    /// `memo`
    pub memo: Val<String>,
    /// `status`
    pub status: Val<String>,
    /// `deletion_protection`
    pub deletion_protection: Val<bool>,
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `ca_id`
    pub ca_id: Val<i64>,
    /// `nrn`
    pub nrn: Val<String>,
    /// `certificate_pem`
    pub certificate_pem: Val<String>,
    /// `chain_pem`
    pub chain_pem: Val<String>,
    /// `csr_pem`
    pub csr_pem: Val<String>,
    /// `serial_number`
    pub serial_number: Val<String>,
    /// `not_before`
    pub not_before: Val<String>,
    /// `not_after`
    pub not_after: Val<String>,
    /// `crl_urls`
    pub crl_urls: Val<Vec<String>>,
    /// `ca_urls`
    pub ca_urls: Val<Vec<String>>,
}

/// The alias rule of the API: 3 to 15 characters, letters, digits, `-` and `_`, starting with a
/// letter.
pub fn alias_validator() -> Validator {
    Validator::string(
        "3-15 characters: letters, digits, - and _, starting with a letter",
        |s| {
            let ok = s.len() >= 3
                && s.len() <= 15
                && s.bytes().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "must be 3 to 15 characters (letters, digits, - and _) starting with a letter; got {s:?}"
                ))
            }
        },
    )
}

/// The key types the API offers.
pub const KEY_TYPES: [&str; 4] = ["RSA2048", "RSA4096", "EC256", "EC521"];

fn computed(name: &str, description: &str) -> Attribute {
    Attribute::string(name)
        .computed()
        .use_state_for_unknown()
        .description(description)
}

#[async_trait]
impl Resource for CaResource {
    type Model = CaModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "A private root or intermediate certificate authority.\n\nA root CA (`ca_type = \"PRIVATE_ROOT\"`) is self-signed. An intermediate (`PRIVATE_SUB`) is either signed at once by a CA of the account (`issuer_ca_tag`), or created without issuer: it then waits in status `PENDING`, exposes its CSR in `csr_pem`, and becomes active through `pca_sub_ca_cert` (or any external CA) and `pca_sub_ca_activation`.\n\n`memo` and `status` change in place; every other argument forces a new CA. Destroying a CA sets it to `DESTROYING` and deletes it at once, **which also ends every sub CA below it**; set `deletion_protection = true` to make destroy fail instead.\n\nRefresh reads the CA from the account's CA list (one walk per command for all CAs) and starts reading its certificate list ahead for the CA's `pca_end_cert`s, which Terraform refreshes after it: page 1 at once, then a list of up to 10 pages whole with the CA's CRL. The certificates' refresh reads the same pages, so that costs nothing when the configuration manages them; when it manages none, at most 11 requests per CA and command (1 when the list is longer).",
        )
        .attr(computed("id", "The CA tag (same as `ca_tag`)."))
        .attr(
            Attribute::string("alias")
                .required()
                .requires_replace()
                .validate(alias_validator())
                .description("Name of the CA, unique in the account: 3 to 15 characters (letters, digits, `-`, `_`), starting with a letter."),
        )
        .attr(
            Attribute::string("ca_type")
                .required()
                .requires_replace()
                .validate(validate::one_of(&["PRIVATE_ROOT", "PRIVATE_SUB"]))
                .description("`PRIVATE_ROOT` for a self-signed root CA, `PRIVATE_SUB` for an intermediate CA."),
        )
        .attr(
            Attribute::string("issuer_ca_tag")
                .optional()
                .requires_replace_if(
                    "moving a CA from one parent to another",
                    |prior, planned| !prior.is_null() && !planned.is_null(),
                )
                .description("Only with `PRIVATE_SUB`: the `ca_tag` of the parent CA, which signs the new CA at creation. Without it the sub CA waits in `PENDING` for an external signature (see `pca_sub_ca_activation`). Changing the parent forces a new CA; setting it on an imported CA only records it."),
        )
        .attr(
            Attribute::string("key_type")
                .required()
                .requires_replace()
                .validate(validate::one_of(&KEY_TYPES))
                .description("Key algorithm: `RSA2048`, `RSA4096`, `EC256` (NIST P-256) or `EC521` (NIST P-521)."),
        )
        .attr(validity_days_attribute("CA"))
        .attr(subject_attribute(Vec::new(), "CA"))
        .attr(
            Attribute::list("alt_names", Type::String)
                .optional()
                .requires_replace()
                .validate(alt_name_validator())
                .description("Subject alternative names: DNS names and e-mail addresses."),
        )
        .attr(
            Attribute::list("ip_addresses", Type::String)
                .optional()
                .requires_replace()
                .validate(ip_validator())
                .description("Subject alternative names: IPv4 and IPv6 addresses."),
        )
        .attr(
            Attribute::string("memo")
                .optional()
                .validate(validate::length_between(0, crate::api::limits::MEMO_MAX_LEN))
                .description("Free text about the CA, up to 1,000 characters. Changes in place."),
        )
        .attr(
            Attribute::string("status")
                .optional_computed()
                .use_state_for_unknown()
                .validate(validate::one_of(&["ACTIVE", "DEACTIVATED"]))
                .description("`ACTIVE` or `DEACTIVATED` (a deactivated CA issues nothing). Changes in place. When not set, the CA's current status: `PENDING` for a sub CA awaiting activation."),
        )
        .attr(
            Attribute::bool("deletion_protection")
                .default(false)
                .description("While true, destroying this CA fails with an error and changes nothing."),
        )
        .attr(computed("ca_tag", "The CA's tag, its identifier in the API."))
        .attr(
            Attribute::number("ca_id")
                .computed()
                .use_state_for_unknown()
                .description("The CA's numeric identifier."),
        )
        .attr(computed("nrn", "The CA's NCP resource name."))
        .attr(computed("certificate_pem", "The CA certificate, PEM. Empty while `PENDING`."))
        .attr(computed("chain_pem", "The CA's chain (this certificate and its issuers), PEM."))
        .attr(computed("csr_pem", "The CSR of a sub CA created without issuer, PEM, to be signed for `pca_sub_ca_activation`."))
        .attr(computed("serial_number", "The CA certificate's serial number, colon-separated hex."))
        .attr(computed("not_before", "Start of the CA certificate's validity, RFC 3339."))
        .attr(computed("not_after", "End of the CA certificate's validity, RFC 3339."))
        .attr(
            Attribute::list("crl_urls", Type::String)
                .computed()
                .use_state_for_unknown()
                .description("CRL distribution URLs."),
        )
        .attr(
            Attribute::list("ca_urls", Type::String)
                .computed()
                .use_state_for_unknown()
                .description("URLs where the CA certificate is published."),
        )
    }

    fn read_on_import(&self) -> bool {
        true
    }

    fn identity(&self) -> Option<Identity> {
        Some(Identity::new().attr("ca_tag", "The CA's `ca_tag`."))
    }

    fn validate(&self, config: &CaModel, diags: &mut Diagnostics) {
        if config.ca_type.known().is_some_and(|t| t == "PRIVATE_ROOT")
            && config.issuer_ca_tag.is_known()
        {
            diags.error_at(
                AttrPath::root("issuer_ca_tag"),
                "Invalid Attribute Combination",
                "issuer_ca_tag can only be set with ca_type = \"PRIVATE_SUB\": a root CA signs itself.",
            );
        }
    }

    fn plan_destroy(&self, prior: &CaModel, diags: &mut Diagnostics) {
        let alias = prior.alias.known().cloned().unwrap_or_default();
        if prior.deletion_protection.known() == Some(&true) {
            diags.error_at(
                AttrPath::root("deletion_protection"),
                "CA Is Protected From Deletion",
                format!(
                    "The CA {alias} has deletion_protection = true, so this plan stops here and nothing is touched. Set deletion_protection = false and apply first if the CA really must go."
                ),
            );
        } else {
            diags.warning(
                "Destroying a CA Also Ends Its Sub CAs",
                format!(
                    "Destroying the CA {alias} deletes it at once, together with every sub CA it signed; certificates issued below it can no longer be verified or revoked."
                ),
            );
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<PcaData>,
        plan: CaModel,
        diags: &mut Diagnostics,
    ) -> Option<CaModel> {
        let client = client(ctx, diags)?;
        let (query, req) = to_request(&plan);
        let data = ctx.data(diags);
        let record = match snapshot::ca_write(data, client.create_ca(&query, &req)).await {
            Ok(r) => r,
            Err(e)
                if e.error_code() == Some(&ErrorCode::AlreadyExistAlias)
                    || e.catalogue_row() == Some(Row::AliasExists) =>
            {
                alias_taken(client, &req.alias, &e, diags).await;
                return None;
            }
            Err(e) => {
                match create_error_attribute(&e) {
                    Some(path) => api_error_at(diags, path, "Unable to Create CA", &e),
                    None => api_error(diags, "Unable to Create CA", &e),
                }
                return None;
            }
        };
        let Some(tag) = record.ca_info.as_ref().and_then(|i| i.ca_tag.clone()) else {
            diags.error(
                "Unable to Create CA",
                "The API created the CA but returned no caTag.",
            );
            return None;
        };
        let mut state = plan.clone();
        state.id = Val::Known(tag.to_string());
        state.ca_tag = Val::Known(tag.to_string());
        if plan.status.known().is_some_and(|s| s == "DEACTIVATED") {
            let upd = UpdateCaRequest {
                status: CaStatus::Deactivated,
                memo: plan.memo.known().cloned(),
            };
            if let Err(e) = snapshot::ca_write(data, client.update_ca(&tag, &upd)).await {
                // The CA exists: keep it in state (tainted) and say what failed.
                api_error(diags, "CA Created, but Could Not Be Deactivated", &e);
            }
        }
        match refresh(client, &tag, state.clone(), None, diags).await {
            Some(s) => Some(s),
            None => {
                if !diags.has_errors() {
                    diags.error(
                        "Unable to Read CA",
                        format!("The CA {tag} was created but cannot be read back."),
                    );
                }
                Some(fill_unknown(state))
            }
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        state: CaModel,
        diags: &mut Diagnostics,
    ) -> Option<CaModel> {
        let client = client(ctx, diags)?;
        let Some(tag) = state.ca_tag.known().or(state.id.known()).cloned() else {
            diags.bug("The state of this pca_ca has no ca_tag.");
            return None;
        };
        let data = ctx.data(diags)?;
        snapshot::prefetch(data, client, &tag);
        let listed = snapshot::listed_ca(data, client, &tag).await;
        refresh(client, &CaTag::from(tag), state, listed, diags).await
    }

    async fn update(
        &self,
        ctx: &Ctx<PcaData>,
        prior: CaModel,
        plan: CaModel,
        diags: &mut Diagnostics,
    ) -> Option<CaModel> {
        let client = client(ctx, diags)?;
        let tag = CaTag::from(prior.ca_tag.known().cloned().unwrap_or_default());
        let data = ctx.data(diags);
        let wants_status = plan
            .status
            .known()
            .filter(|s| Some(*s) != prior.status.known());
        if plan.memo != prior.memo || wants_status.is_some() {
            let status = plan
                .status
                .known()
                .or(prior.status.known())
                .map_or("ACTIVE", String::as_str);
            let upd = UpdateCaRequest {
                status: CaStatus::from_wire(status),
                memo: Some(plan.memo.known().cloned().unwrap_or_default()),
            };
            if let Err(e) = snapshot::ca_write(data, client.update_ca(&tag, &upd)).await {
                api_error(diags, "Unable to Update CA", &e);
                return Some(prior);
            }
        }
        let mut state = plan;
        // Inputs that never reach the API keep their planned values.
        state.id = prior.id.clone();
        state.ca_tag = prior.ca_tag.clone();
        refresh(client, &tag, state, None, diags).await
    }

    async fn delete(&self, ctx: &Ctx<PcaData>, state: CaModel, diags: &mut Diagnostics) {
        if state.deletion_protection.known() == Some(&true) {
            diags.error(
                "CA Is Protected From Deletion",
                format!(
                    "The CA {} has deletion_protection = true, so Terraform did not touch it. Set deletion_protection = false and apply, then destroy again.",
                    state.alias.known().cloned().unwrap_or_default()
                ),
            );
            return;
        }
        let Some(client) = client(ctx, diags) else {
            return;
        };
        let tag = CaTag::from(state.ca_tag.known().cloned().unwrap_or_default());
        let data = ctx.data(diags);
        let upd = UpdateCaRequest {
            status: CaStatus::Destroying,
            memo: None,
        };
        match snapshot::ca_write(data, client.update_ca(&tag, &upd)).await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return,
            Err(e) => {
                api_error(diags, "Unable to Delete CA", &e);
                return;
            }
        }
        match snapshot::ca_write(data, client.delete_ca(&tag)).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => api_error(diags, "Unable to Delete CA", &e),
        }
    }

    async fn import(
        &self,
        _ctx: &Ctx<PcaData>,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<CaModel> {
        let id = id.trim();
        if id.is_empty() || id.contains('/') {
            diags.error(
                "Invalid Import ID",
                format!(
                    "Import a pca_ca by its ca_tag (for example 1a2b3c4d-5e6f7a8b); got {id:?}."
                ),
            );
            return None;
        }
        Some(CaModel {
            id: Val::Known(id.to_owned()),
            ca_tag: Val::Known(id.to_owned()),
            deletion_protection: Val::Known(false),
            ..CaModel::default()
        })
    }
}

/// The Create CA request for a plan.
fn to_request(plan: &CaModel) -> (CreateCaQuery, CreateCaRequest) {
    let subject = plan.subject.known().cloned().unwrap_or_default();
    let text = |v: &Val<String>| v.known().cloned();
    let query = CreateCaQuery {
        ca_type: CaType::from_wire(plan.ca_type.known().map_or("", String::as_str)),
        issuer_tag: plan.issuer_ca_tag.known().map(|t| CaTag::from(t.as_str())),
    };
    let period = match plan.validity_days.known() {
        Some(d) => Period::Days(u32::try_from(*d).unwrap_or(0)),
        None => Period::Max,
    };
    let req = CreateCaRequest {
        alias: plan.alias.known().cloned().unwrap_or_default(),
        memo: text(&plan.memo),
        key_type: KeyType::from_wire(plan.key_type.known().map_or("", String::as_str)),
        period,
        x509_parameters: X509CaParameters {
            common_name: subject.common_name.known().cloned().unwrap_or_default(),
            alt_name: join_list(&plan.alt_names),
            ip: join_list(&plan.ip_addresses),
            country: text(&subject.country),
            locality: text(&subject.locality),
            state_province: text(&subject.state_province),
            organization: text(&subject.organization),
            organization_unit: text(&subject.organizational_unit),
        },
    };
    (query, req)
}

/// Reads the CA (unless `listed` already holds its record, from the account's CA list) and
/// merges it into `state`; `None` (without errors) when it is gone. The chain is read only
/// when the state lacks it or the CA's certificate changed (it cannot change otherwise).
async fn refresh(
    client: &Client,
    tag: &CaTag,
    state: CaModel,
    listed: Option<CaRecord>,
    diags: &mut Diagnostics,
) -> Option<CaModel> {
    let record = match listed {
        Some(r) => r,
        None => match client.get_ca(tag).await {
            Ok(r) => r,
            Err(e) if e.is_not_found() => return None,
            Err(e) => {
                api_error(diags, "Unable to Read CA", &e);
                return Some(fill_unknown(state));
            }
        },
    };
    let info = record.ca_info.clone().unwrap_or_default();
    let status = info.status.clone().unwrap_or_default();
    if status == CaStatus::Destroying {
        return None;
    }
    let listed_cert = record
        .ca_cert_info
        .as_ref()
        .and_then(|c| c.cert_pem.as_ref());
    let chain_known = match (
        listed_cert,
        state.certificate_pem.known(),
        state.chain_pem.known(),
    ) {
        (Some(now), Some(before), Some(chain)) if super::common::pem_eq(now, before) => {
            Some(chain.clone())
        }
        _ => None,
    };
    let chain = if chain_known.is_some() {
        chain_known
    } else if listed_cert.is_some() {
        match client.get_ca_chain(tag).await {
            Ok(c) => Some(c),
            Err(e) => {
                api_error(diags, "Unable to Read CA Chain", &e);
                None
            }
        }
    } else {
        None
    };
    let csr = if status == CaStatus::Pending && !state.csr_pem.is_known() {
        match client.get_sub_csr(tag).await {
            Ok(d) => d.csr_pem,
            Err(e) => {
                api_error(diags, "Unable to Read the Sub CA's CSR", &e);
                None
            }
        }
    } else {
        None
    };
    Some(from_record(state, &record, chain, csr))
}

/// Merges an API record into the state. Arguments the API echoes are filled only when the
/// state has none (after import); otherwise the configured values stay, so formatting
/// differences never cause a diff.
pub(crate) fn from_record(
    mut s: CaModel,
    record: &CaRecord,
    chain: Option<String>,
    csr: Option<String>,
) -> CaModel {
    let info = record.ca_info.clone().unwrap_or_default();
    let cert = record.ca_cert_info.clone().unwrap_or_default();
    let tag = info.ca_tag.as_ref().map(ToString::to_string);
    if let Some(t) = &tag {
        s.id = Val::Known(t.clone());
        s.ca_tag = Val::Known(t.clone());
    }
    let imported = !s.alias.is_known();
    let summary = cert.cert_pem.as_deref().and_then(cert_summary);
    if imported {
        s.alias = info.alias.clone().map_or(Val::Null, Val::Known);
        s.ca_type = info
            .ca_type
            .as_ref()
            .map_or(Val::Null, |t| Val::Known(t.as_str().to_owned()));
        if let Some(sum) = &summary {
            s.key_type = sum.key_type.map_or(Val::Null, |k| Val::Known(k.to_owned()));
            s.subject = Val::Known(sum.subject.clone());
            s.alt_names = if sum.alt_names.is_empty() {
                Val::Null
            } else {
                Val::Known(sum.alt_names.clone())
            };
            s.ip_addresses = if sum.ip_addresses.is_empty() {
                Val::Null
            } else {
                Val::Known(sum.ip_addresses.clone())
            };
        }
    }
    s.memo = match info.memo.as_deref() {
        Some(m) if !m.is_empty() => Val::Known(m.to_owned()),
        _ if s.memo.known().is_some_and(String::is_empty) => s.memo.clone(),
        _ => Val::Null,
    };
    s.status = info
        .status
        .as_ref()
        .map_or(Val::Null, |st| Val::Known(st.as_str().to_owned()));
    if !s.deletion_protection.is_known() {
        s.deletion_protection = Val::Known(false);
    }
    s.ca_id = info.ca_id.map_or(Val::Null, Val::Known);
    s.nrn = info.nrn.clone().map_or(Val::Null, Val::Known);
    s.certificate_pem = keep_pem(&s.certificate_pem, cert.cert_pem.clone());
    s.chain_pem = keep_pem(&s.chain_pem, chain.or(cert.chain_pem.clone()));
    if let Some(csr) = csr {
        s.csr_pem = keep_pem(&s.csr_pem, Some(csr));
    } else if !s.csr_pem.is_known() {
        // The CSR matters only while pending; once known it stays, so that resources built
        // from it (pca_sub_ca_cert) do not see it vanish after activation.
        s.csr_pem = Val::Null;
    }
    s.serial_number = cert
        .serial_no
        .as_ref()
        .map_or(Val::Null, |n| Val::Known(n.to_string()));
    let (nb, na) = (
        cert.not_before_date
            .or(summary.as_ref().map(|x| x.not_before_ms)),
        cert.not_after_date
            .or(summary.as_ref().map(|x| x.not_after_ms)),
    );
    s.not_before = nb.map_or(Val::Null, |ms| Val::Known(rfc3339(ms)));
    s.not_after = na.map_or(Val::Null, |ms| Val::Known(rfc3339(ms)));
    if !s.validity_days.is_known() {
        s.validity_days = match (nb, na) {
            (Some(b), Some(a)) => Val::Known(days_between(b, a)),
            _ => Val::Null,
        };
    }
    let urls = info.url_info.unwrap_or_default();
    s.crl_urls = Val::Known(urls.crl);
    s.ca_urls = Val::Known(urls.ca);
    fill_unknown(s)
}

/// Replaces what is still unknown with null: a state must be wholly known.
fn fill_unknown(mut s: CaModel) -> CaModel {
    fn f<T>(v: &mut Val<T>) {
        if v.is_unknown() {
            *v = Val::Null;
        }
    }
    f(&mut s.id);
    f(&mut s.status);
    f(&mut s.validity_days);
    f(&mut s.ca_tag);
    f(&mut s.ca_id);
    f(&mut s.nrn);
    f(&mut s.certificate_pem);
    f(&mut s.chain_pem);
    f(&mut s.csr_pem);
    f(&mut s.serial_number);
    f(&mut s.not_before);
    f(&mut s.not_after);
    f(&mut s.crl_urls);
    f(&mut s.ca_urls);
    s
}

/// Create CA answered "alias taken": look the CA up and say how to adopt it. The usual
/// cause is an apply interrupted after Create CA succeeded but before its answer reached
/// the state (Terraform or the provider killed, the connection lost); creating another CA
/// is impossible (aliases are unique) and adopting one silently could take over a CA that
/// is not ours, so the error names the CA and gives the import command.
/// The attribute a Create CA refusal is about, from its catalogue row (§1.7.1).
fn create_error_attribute(e: &ClientError) -> Option<AttrPath> {
    let subject = |name: &str| Some(AttrPath::root("subject").attr(name));
    match e.catalogue_row()? {
        Row::AliasMissing | Row::AliasTooLong | Row::AliasExists => Some(AttrPath::root("alias")),
        Row::MemoTooLong => Some(AttrPath::root("memo")),
        Row::CommonNameMissing | Row::CommonNameTooLong => subject("common_name"),
        Row::OrganizationTooLong => subject("organization"),
        Row::OrganizationUnitTooLong => subject("organizational_unit"),
        Row::StateProvinceTooLong => subject("state_province"),
        Row::LocalityTooLong => subject("locality"),
        Row::InvalidKeyType => Some(AttrPath::root("key_type")),
        Row::InvalidIp => Some(AttrPath::root("ip_addresses")),
        Row::InvalidPeriodValue | Row::CaValidityExceeded => Some(AttrPath::root("validity_days")),
        Row::CaTypeMissing | Row::InvalidCaType => Some(AttrPath::root("ca_type")),
        Row::InvalidIssuerCaStatus | Row::CaNotFound => Some(AttrPath::root("issuer_ca_tag")),
        _ => None,
    }
}

async fn alias_taken(client: &Client, alias: &str, err: &ClientError, diags: &mut Diagnostics) {
    let found = match client.find_ca_by_alias(alias).await {
        Ok(found) => found,
        Err(lookup) => {
            api_error_at(diags, AttrPath::root("alias"), "Unable to Create CA", err);
            diags.error(
                "Unable to Look Up the CA Holding the Alias",
                format!("A CA with alias {alias:?} already exists, and listing the CAs to find it failed: {lookup}"),
            );
            return;
        }
    };
    let Some(tag) = found
        .as_ref()
        .and_then(|r| r.ca_info.as_ref())
        .and_then(|i| i.ca_tag.clone())
    else {
        api_error_at(diags, AttrPath::root("alias"), "Unable to Create CA", err);
        return;
    };
    let info = found.as_ref().and_then(|r| r.ca_info.as_ref());
    let mut what = vec![format!("ca_tag {tag}")];
    if let Some(t) = info.and_then(|i| i.ca_type.as_ref()) {
        what.push(t.as_str().to_owned());
    }
    if let Some(s) = info.and_then(|i| i.status.as_ref()) {
        what.push(format!("status {}", s.as_str()));
    }
    if let Some(cn) = found
        .as_ref()
        .and_then(|r| r.ca_cert_info.as_ref())
        .and_then(|c| c.common_name.as_deref())
        .filter(|c| !c.is_empty())
    {
        what.push(format!("common name {cn:?}"));
    }
    if let Some(ms) = info.and_then(|i| i.rgst_date) {
        what.push(format!("created {}", rfc3339(ms)));
    }
    diags.error_at(
        AttrPath::root("alias"),
        "CA Alias Already Exists",
        format!(
            "A CA with alias {alias:?} already exists ({}), so no CA was created.\n\n\
             If it is the CA an interrupted apply created (its answer never reached the state), \
             adopt it instead of creating another, with this resource's address (shown above):\n\n\
             \x20   terraform import pca_ca.<name> {tag}\n\n\
             or, on Terraform 1.5 and later, an import block:\n\n\
             \x20   import {{\n\
             \x20     to = pca_ca.<name>\n\
             \x20     id = \"{tag}\"\n\
             \x20   }}\n\n\
             If it is another CA, choose another alias.",
            what.join(", ")
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{CaCertInfo, CaInfo};

    fn plan() -> CaModel {
        CaModel {
            alias: Val::Known("root-1".into()),
            ca_type: Val::Known("PRIVATE_ROOT".into()),
            key_type: Val::Known("EC256".into()),
            subject: Val::Known(Subject {
                common_name: Val::Known("Root".into()),
                country: Val::Known("KR".into()),
                ..Subject::default()
            }),
            alt_names: Val::Known(vec!["ca.example.com".into(), "pki@example.com".into()]),
            memo: Val::Known("m".into()),
            ..CaModel::default()
        }
    }

    #[test]
    fn request_mapping() {
        let (q, r) = to_request(&plan());
        assert_eq!(q.ca_type, CaType::PrivateRoot);
        assert_eq!(q.issuer_tag, None);
        assert_eq!(r.period, Period::Max);
        assert_eq!(
            r.x509_parameters.alt_name.as_deref(),
            Some("ca.example.com,pki@example.com")
        );
        assert_eq!(r.x509_parameters.country.as_deref(), Some("KR"));
        let mut p = plan();
        p.validity_days = Val::Known(365);
        assert_eq!(to_request(&p).1.period, Period::Days(365));
    }

    #[test]
    fn record_mapping_keeps_configured_inputs_and_fills_computed() {
        let record = CaRecord {
            ca_info: Some(CaInfo {
                ca_tag: Some(CaTag::from("aaaa-bbbb")),
                alias: Some("other".into()),
                status: Some(CaStatus::Pending),
                ca_id: Some(7),
                ..CaInfo::default()
            }),
            ca_cert_info: Some(CaCertInfo::default()),
        };
        let s = from_record(
            plan(),
            &record,
            None,
            Some(
                "-----BEGIN CERTIFICATE REQUEST-----\nAA\n-----END CERTIFICATE REQUEST-----".into(),
            ),
        );
        assert_eq!(
            s.alias,
            Val::Known("root-1".into()),
            "configured input kept"
        );
        assert_eq!(s.id, Val::Known("aaaa-bbbb".into()));
        assert_eq!(s.status, Val::Known("PENDING".into()));
        assert_eq!(s.ca_id, Val::Known(7));
        assert!(s.csr_pem.is_known());
        assert_eq!(s.certificate_pem, Val::Null);
        assert_eq!(s.validity_days, Val::Null);
        assert!(
            !crate::framework::typed::to_value(&s)
                .map(|v| !v.is_wholly_known())
                .unwrap_or(true)
        );
    }

    #[test]
    fn alias_rule() {
        let v = alias_validator();
        let mut d = Diagnostics::new();
        for bad in ["1x", "ab", "a-very-long-alias-x", "a b c"] {
            v.run(&bad.into(), &AttrPath::root("alias"), &mut d);
        }
        assert_eq!(d.len(), 4);
        let mut d = Diagnostics::new();
        v.run(&"corp-root_1".into(), &AttrPath::root("alias"), &mut d);
        assert!(d.is_empty());
    }
}
