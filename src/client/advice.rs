//! What to check after a failure, in words: the advice a [`ClientError`] carries.
//!
//! - an authentication failure (401, gateway `errorCode` 200) names where the key pair came
//!   from and the access key id (never the secret);
//! - a permission failure (401 `errorCode` 210, 403 `errorCode` 230) names the operation,
//!   the permission NAVER documents for it (spec §1.11) and that `pca_ca_user` (Add CA
//!   User) grants a sub account the use of a CA;
//! - a connection failure names the URL, where it came from and the likely fixes; a TLS
//!   failure names the host and what failed.
//!
//! A rejected timestamp gets no advice here: [`ClockHint`](crate::client::ClockHint) says it.

use crate::client::error::ClientError;
use crate::client::settings::{CredentialOrigin, EndpointOrigin};

/// What the advice may name about the client.
pub(crate) struct Context<'a> {
    /// The access key id (not secret).
    pub(crate) access_key: &'a str,
    /// Where the key pair came from.
    pub(crate) credentials: &'a CredentialOrigin,
    /// `scheme://host[:port]`.
    pub(crate) base_url: &'a str,
    /// Where the base URL came from.
    pub(crate) endpoint: &'a EndpointOrigin,
    /// The CA the request addressed, if any.
    pub(crate) ca_tag: Option<&'a str>,
}

/// The permission NAVER documents for an operation (spec §1.11, from old doc editions).
pub fn permission(operation: &str) -> Option<&'static str> {
    Some(match operation {
        "Update CA" => "updateCAMemo / requestCADeletion / cancelCADeletion / updateCAStatus",
        "Issue End Cert" => "issueEndCert",
        "Revoke End Cert" => "revokeCert",
        "Get End Cert List" => "getCertList",
        "Get CA CRL" => "getCACrl",
        "Add CA User" => "addUser",
        "Delete CA User" => "deleteUser",
        "Create OCSP" => "createOcsp",
        _ => return None,
    })
}

/// Fills the error's advice (nothing changes for errors that need none).
pub(crate) fn advise(mut error: ClientError, ctx: &Context<'_>) -> ClientError {
    match &mut error {
        ClientError::Gateway {
            operation,
            status,
            error_code,
            clock: None,
            advice,
            ..
        } => {
            *advice =
                gateway_advice(operation, *status, error_code.as_deref(), ctx).map(Into::into);
        }
        ClientError::Transport {
            message,
            sent: false,
            advice,
            ..
        } => {
            *advice = Some(connect_advice(message, ctx).into());
        }
        _ => {}
    }
    error
}

fn gateway_advice(
    operation: &str,
    status: u16,
    code: Option<&str>,
    ctx: &Context<'_>,
) -> Option<String> {
    let key = format!("access key {} (from {})", ctx.access_key, ctx.credentials);
    match (status, code) {
        (401, Some("210")) | (403, _) => {
            let on = ctx
                .ca_tag
                .map_or_else(String::new, |t| format!(" on CA {t}"));
            let named = match permission(operation) {
                Some(p) => format!(" NAVER's permission for {operation} is `{p}`."),
                None => String::new(),
            };
            let what = if operation == "Create CA" {
                "Creating a CA needs the main account (or a sub account whose policy allows Private CA management).".to_owned()
            } else {
                "A sub account may use a CA only after the main account grants it: Add CA User, the `pca_ca_user` resource (its id_no is the sub account's ID).".to_owned()
            };
            Some(format!(
                "The {key} has no permission for {operation}{on}.{named} {what}"
            ))
        }
        (401, _) => Some(format!(
            "The API did not accept the {key}. Check that this access key exists and is active, and that the secret key is the one issued with it."
        )),
        _ => None,
    }
}

/// TLS failures show up in the error chain of a connect error; these words mark them.
const TLS_MARKS: [&str; 6] = [
    "certificate",
    "tls",
    "handshake",
    "ssl",
    "peer sent",
    "received corrupt message",
];

fn connect_advice(message: &str, ctx: &Context<'_>) -> String {
    let lower = message.to_ascii_lowercase();
    let host = ctx
        .base_url
        .split_once("://")
        .map_or(ctx.base_url, |(_, h)| h);
    if TLS_MARKS.iter().any(|m| lower.contains(m)) {
        // From the first part of the chain that speaks of TLS to the end.
        let parts: Vec<&str> = message.split(": ").collect();
        let first = parts
            .iter()
            .position(|p| {
                let p = p.to_ascii_lowercase();
                TLS_MARKS.iter().any(|m| p.contains(m))
            })
            .unwrap_or(0);
        let what = parts[first..].join(": ");
        return format!(
            "The TLS handshake with {host} failed ({what}); the URL {}/api/v1 came from {}. Check that the endpoint is the API's https address; if a proxy inspects TLS on this network, its CA must be trusted by this machine.",
            ctx.base_url, ctx.endpoint
        );
    }
    format!(
        "The URL {}/api/v1 came from {}. Check the endpoint (`endpoint` in the provider block or PCA_ENDPOINT), the site (`site` or NCLOUD_SITE), and, if this network needs a proxy, HTTPS_PROXY and NO_PROXY.",
        ctx.base_url, ctx.endpoint
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::settings::KeyOrigin;

    fn ctx<'a>(origin: &'a CredentialOrigin, endpoint: &'a EndpointOrigin) -> Context<'a> {
        Context {
            access_key: "AKID",
            credentials: origin,
            base_url: "https://pca.example.com",
            endpoint,
            ca_tag: Some("ca-1"),
        }
    }

    fn gateway(operation: &'static str, status: u16, code: &str) -> ClientError {
        ClientError::Gateway {
            operation,
            status,
            error_code: Some(code.into()),
            message: "m".into(),
            request_id: None,
            attempts: 1,
            clock: None,
            advice: None,
        }
    }

    #[test]
    fn authentication_names_the_source_and_key() {
        let env = CredentialOrigin {
            access: KeyOrigin::Environment("NCLOUD_ACCESS_KEY"),
            secret: KeyOrigin::Environment("NCLOUD_SECRET_KEY"),
        };
        let ep = EndpointOrigin::Environment;
        let e = advise(gateway("Get CA", 401, "200"), &ctx(&env, &ep)).to_string();
        assert!(
            e.contains("access key AKID (from the environment variables NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY)"),
            "{e}"
        );
        let file = CredentialOrigin {
            access: KeyOrigin::CliFile {
                path: "/h/.ncloud/configure".into(),
                profile: "ci".into(),
            },
            secret: KeyOrigin::CliFile {
                path: "/h/.ncloud/configure".into(),
                profile: "ci".into(),
            },
        };
        let e = advise(gateway("Get CA", 401, "200"), &ctx(&file, &ep)).to_string();
        assert!(e.contains("/h/.ncloud/configure (profile ci)"), "{e}");
    }

    #[test]
    fn permission_names_operation_permission_and_ca_user() {
        let o = CredentialOrigin::GIVEN;
        let ep = EndpointOrigin::ProviderBlock;
        let e = advise(gateway("Issue End Cert", 401, "210"), &ctx(&o, &ep)).to_string();
        for needle in [
            "no permission for Issue End Cert on CA ca-1",
            "`issueEndCert`",
            "`pca_ca_user`",
        ] {
            assert!(e.contains(needle), "{needle}: {e}");
        }
        let e = advise(gateway("Create CA", 401, "210"), &ctx(&o, &ep)).to_string();
        assert!(e.contains("main account"), "{e}");
        assert_eq!(permission("Get CA"), None);
    }

    #[test]
    fn connect_and_tls() {
        let o = CredentialOrigin::GIVEN;
        let ep = EndpointOrigin::Environment;
        let refused = ClientError::Transport {
            operation: "Get CA",
            message: "tcp connect error: Connection refused (os error 111)".into(),
            sent: false,
            attempts: 1,
            advice: None,
        };
        let e = advise(refused, &ctx(&o, &ep)).to_string();
        assert!(
            e.contains("https://pca.example.com/api/v1 came from the PCA_ENDPOINT"),
            "{e}"
        );
        assert!(e.contains("HTTPS_PROXY") && !e.contains("throttl"), "{e}");
        let tls = ClientError::Transport {
            operation: "Get CA",
            message: "client error (Connect): invalid peer certificate: UnknownIssuer".into(),
            sent: false,
            attempts: 1,
            advice: None,
        };
        let e = advise(tls, &ctx(&o, &ep)).to_string();
        assert!(
            e.contains(
                "TLS handshake with pca.example.com failed (invalid peer certificate: UnknownIssuer)"
            ),
            "{e}"
        );
    }
}
