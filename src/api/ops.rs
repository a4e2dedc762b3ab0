//! The operation table: the 24 Private CA operations of spec §2 (overview table at the top
//! of the spec), each with its HTTP method, path template and idempotency.
//!
//! Paths are templates relative to [`API_PREFIX`] (`/api/v1`, §1.1, A1) with `{name}`
//! placeholders (`caTag`, `serialNo`, `idNo`). [`Operation::path_for`] fills them, encoding
//! each value with [`uri::encode_path_segment`] (serial colons stay unescaped, A12).
//!
//! Idempotency (for retries): every `GET`, `PUT` and `DELETE` is idempotent; every `POST`
//! is not (Create CA, Sign Sub Csr, Activate Sub CA, Issue End Cert, Sign End Csr, Revoke End
//! Cert, Add CA User, Rotate CRL, Trim CA).

use std::fmt;

use crate::api::uri;

/// The path prefix every operation path lives under (§1.1, A1): the signed request URI and
/// the URL both start with it.
pub const API_PREFIX: &str = "/api/v1";

/// An HTTP method used by the API (§1.3: always upper case on the wire and in the string to
/// sign).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The upper-case method name, as sent and signed.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Parses an upper-case method name (`GET`, `POST`, `PUT`, `DELETE`).
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One API operation (spec §2.n).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The operation's name as the docs title it, e.g. `"Create CA"`.
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template relative to [`API_PREFIX`], e.g. `"/ca/{caTag}/cert/{serialNo}"`.
    pub path: &'static str,
    /// Whether repeating the request has no further effect (safe to retry blindly).
    pub idempotent: bool,
}

/// Why a path could not be built from its template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// The template has a `{name}` placeholder for which no value was given.
    MissingParam(&'static str),
    /// A value was given for a name the template does not have.
    UnknownParam(String),
    /// A value was empty (it would produce an empty path segment).
    EmptyParam(&'static str),
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::MissingParam(n) => write!(f, "missing path parameter `{n}`"),
            PathError::UnknownParam(n) => write!(f, "unknown path parameter `{n}`"),
            PathError::EmptyParam(n) => write!(f, "path parameter `{n}` is empty"),
        }
    }
}

impl std::error::Error for PathError {}

/// The placeholder name of a template segment (`{caTag}` → `caTag`), if it is one.
fn placeholder(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

impl Operation {
    /// The placeholder names of the path template, in order (e.g. `["caTag", "serialNo"]`).
    pub fn path_params(&self) -> Vec<&'static str> {
        self.path.split('/').filter_map(placeholder).collect()
    }

    /// The path template with the `/api/v1` prefix, e.g. `"/api/v1/ca/{caTag}"`.
    pub fn full_template(&self) -> String {
        format!("{API_PREFIX}{}", self.path)
    }

    /// Fills the template's `{name}` placeholders and prepends [`API_PREFIX`]: the path
    /// part of the request URI, ready to send and to sign.
    ///
    /// Values are encoded with [`uri::encode_path_segment`]: colons stay as they are (serial
    /// numbers, A12), other reserved characters become `%XX`. Every placeholder needs a
    /// non-empty value and every given name must be a placeholder.
    ///
    /// ```
    /// use pca::api::ops::GET_END_CERT;
    /// let path = GET_END_CERT.path_for(&[("caTag", "1a2b3c4d-5e6f7a8b"), ("serialNo", "3a:1f:10")]);
    /// assert_eq!(path.as_deref(), Ok("/api/v1/ca/1a2b3c4d-5e6f7a8b/cert/3a:1f:10"));
    /// ```
    pub fn path_for(&self, params: &[(&str, &str)]) -> Result<String, PathError> {
        let names = self.path_params();
        if let Some((name, _)) = params.iter().find(|(n, _)| !names.contains(n)) {
            return Err(PathError::UnknownParam((*name).to_owned()));
        }
        let mut out = String::from(API_PREFIX);
        for segment in self.path.split('/').skip(1) {
            out.push('/');
            match placeholder(segment) {
                Some(name) => {
                    let value = params
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, v)| *v)
                        .ok_or(PathError::MissingParam(name))?;
                    if value.is_empty() {
                        return Err(PathError::EmptyParam(name));
                    }
                    out.push_str(&uri::encode_path_segment(value));
                }
                None => out.push_str(segment),
            }
        }
        Ok(out)
    }

    /// Matches a request path against this operation's template (for the emulator's
    /// routing and contract tests). `path` may carry the [`API_PREFIX`] or not (A1 lenience),
    /// and must not carry a query. Returns the percent-decoded placeholder values in
    /// template order, or `None` when the path does not fit.
    ///
    /// ```
    /// use pca::api::ops::REVOKE_END_CERT;
    /// let p = REVOKE_END_CERT.match_path("/api/v1/ca/t1/cert/3a%3A1f/revoke").unwrap();
    /// assert_eq!(p, vec![("caTag", "t1".to_owned()), ("serialNo", "3a:1f".to_owned())]);
    /// ```
    pub fn match_path(&self, path: &str) -> Option<Vec<(&'static str, String)>> {
        let rel = path.strip_prefix(API_PREFIX).unwrap_or(path);
        let mut given = rel.split('/');
        let mut tmpl = self.path.split('/');
        let mut out = Vec::new();
        loop {
            match (tmpl.next(), given.next()) {
                (None, None) => return Some(out),
                (Some(t), Some(g)) => match placeholder(t) {
                    Some(_) if g.is_empty() => return None,
                    Some(name) => out.push((name, uri::percent_decode(g))),
                    None if t == g => {}
                    None => return None,
                },
                _ => return None,
            }
        }
    }
}

macro_rules! operations {
    ($( $(#[$meta:meta])* $konst:ident = ($name:literal, $method:ident, $path:literal, $idem:literal); )+) => {
        $(
            $(#[$meta])*
            pub const $konst: Operation = Operation {
                name: $name,
                method: Method::$method,
                path: $path,
                idempotent: $idem,
            };
        )+

        /// Every operation, in the spec's order (§2.1 … §2.24).
        pub const ALL: [&Operation; 24] = [ $( &$konst, )+ ];
    };
}

operations! {
    /// §2.1 Create CA — `POST /ca?caType=..[&issuerTag=..]`; body
    /// [`CreateCaRequest`](crate::api::model::CreateCaRequest).
    CREATE_CA = ("Create CA", Post, "/ca", false);
    /// §2.2 Get CA List — `GET /ca?pageNo=..`.
    GET_CA_LIST = ("Get CA List", Get, "/ca", true);
    /// §2.3 Get CA — `GET /ca/{caTag}`.
    GET_CA = ("Get CA", Get, "/ca/{caTag}", true);
    /// §2.4 Update CA — `PUT /ca/{caTag}`.
    UPDATE_CA = ("Update CA", Put, "/ca/{caTag}", true);
    /// §2.5 Delete CA — `DELETE /ca/{caTag}` (doc slug `…-destroyca`).
    DELETE_CA = ("Delete CA", Delete, "/ca/{caTag}", true);
    /// §2.6 Get CA Chain — `GET /ca/{caTag}/chain`.
    GET_CA_CHAIN = ("Get CA Chain", Get, "/ca/{caTag}/chain", true);
    /// §2.7 Get CA CRL — `GET /ca/{caTag}/crl`.
    GET_CA_CRL = ("Get CA CRL", Get, "/ca/{caTag}/crl", true);
    /// §2.8 Get Sub CSR — `GET /ca/{caTag}/sub/csr`.
    GET_SUB_CSR = ("Get Sub CSR", Get, "/ca/{caTag}/sub/csr", true);
    /// §2.9 Sign Sub Csr — `POST /ca/{caTag}/sub/sign` (the parent CA signs).
    SIGN_SUB_CSR = ("Sign Sub Csr", Post, "/ca/{caTag}/sub/sign", false);
    /// §2.10 Activate Sub CA — `POST /ca/{caTag}/activate`.
    ACTIVATE_SUB_CA = ("Activate Sub CA", Post, "/ca/{caTag}/activate", false);
    /// §2.11 Issue End Cert — `POST /ca/{caTag}/cert`.
    ISSUE_END_CERT = ("Issue End Cert", Post, "/ca/{caTag}/cert", false);
    /// §2.12 Sign End Csr — `POST /ca/{caTag}/cert/sign[?period=..]`.
    SIGN_END_CSR = ("Sign End Csr", Post, "/ca/{caTag}/cert/sign", false);
    /// §2.13 Get End Cert List — `GET /ca/{caTag}/cert[?pageNo=..]`.
    GET_END_CERT_LIST = ("Get End Cert List", Get, "/ca/{caTag}/cert", true);
    /// §2.14 Get End Cert — `GET /ca/{caTag}/cert/{serialNo}`.
    GET_END_CERT = ("Get End Cert", Get, "/ca/{caTag}/cert/{serialNo}", true);
    /// §2.15 Revoke End Cert — `POST /ca/{caTag}/cert/{serialNo}/revoke` (no body).
    REVOKE_END_CERT = ("Revoke End Cert", Post, "/ca/{caTag}/cert/{serialNo}/revoke", false);
    /// §2.16 Add CA User — `POST /ca/{caTag}/users`.
    ADD_CA_USER = ("Add CA User", Post, "/ca/{caTag}/users", false);
    /// §2.17 Get CA User List — `GET /ca/{caTag}/users`.
    GET_CA_USER_LIST = ("Get CA User List", Get, "/ca/{caTag}/users", true);
    /// §2.18 Delete CA User — `DELETE /ca/{caTag}/users/{idNo}`.
    DELETE_CA_USER = ("Delete CA User", Delete, "/ca/{caTag}/users/{idNo}", true);
    /// §2.19 Create OCSP — `PUT /ca/{caTag}/urls` (doc slug `…-updateocspurl`).
    CREATE_OCSP = ("Create OCSP", Put, "/ca/{caTag}/urls", true);
    /// §2.20 Delete OCSP — `DELETE /ca/{caTag}/urls` (doc slug `…-undeployocspurl`).
    DELETE_OCSP = ("Delete OCSP", Delete, "/ca/{caTag}/urls", true);
    /// §2.21 Get CRL Config — `GET /ca/{caTag}/crl/config`.
    GET_CRL_CONFIG = ("Get CRL Config", Get, "/ca/{caTag}/crl/config", true);
    /// §2.22 Update CRL Config — `PUT /ca/{caTag}/crl/config`.
    UPDATE_CRL_CONFIG = ("Update CRL Config", Put, "/ca/{caTag}/crl/config", true);
    /// §2.23 Rotate CRL — `POST /ca/{caTag}/crl/rotate` (A22: leading slash added).
    ROTATE_CRL = ("Rotate CRL", Post, "/ca/{caTag}/crl/rotate", false);
    /// §2.24 Trim CA — `POST /ca/{caTag}/trim`.
    TRIM_CA = ("Trim CA", Post, "/ca/{caTag}/trim", false);
}

/// Finds the operation a request addresses, with its decoded path parameters (emulator
/// routing). `path` is the request path without query, with or without [`API_PREFIX`].
///
/// ```
/// use pca::api::ops::{find, Method, SIGN_END_CSR};
/// let (op, params) = find(Method::Post, "/api/v1/ca/t1/cert/sign").unwrap();
/// assert_eq!(op, &SIGN_END_CSR);
/// assert_eq!(params, vec![("caTag", "t1".to_owned())]);
/// ```
pub fn find(
    method: Method,
    path: &str,
) -> Option<(&'static Operation, Vec<(&'static str, String)>)> {
    ALL.iter()
        .filter(|op| op.method == method)
        .find_map(|op| op.match_path(path).map(|p| (*op, p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_follows_the_method() {
        for op in ALL {
            assert_eq!(op.idempotent, op.method != Method::Post, "{}", op.name);
        }
        let non_idempotent: Vec<&str> = ALL
            .iter()
            .filter(|o| !o.idempotent)
            .map(|o| o.name)
            .collect();
        assert_eq!(
            non_idempotent,
            [
                "Create CA",
                "Sign Sub Csr",
                "Activate Sub CA",
                "Issue End Cert",
                "Sign End Csr",
                "Revoke End Cert",
                "Add CA User",
                "Rotate CRL",
                "Trim CA"
            ]
        );
    }

    #[test]
    fn names_and_method_path_pairs_are_unique() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.name, b.name);
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} and {} share {} {}",
                    a.name,
                    b.name,
                    a.method,
                    a.path
                );
            }
        }
    }

    #[test]
    fn every_operation_routes_back_to_itself() {
        let serial = "3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20";
        for op in ALL {
            let params: Vec<(&str, &str)> = op
                .path_params()
                .into_iter()
                .map(|p| match p {
                    "caTag" => ("caTag", "1a2b3c4d-5e6f7a8b"),
                    "serialNo" => ("serialNo", serial),
                    _ => ("idNo", "6e4c1234-5678-90ab-cdef-1234567a9baa"),
                })
                .collect();
            let path = op.path_for(&params).unwrap();
            let (found, got) = find(op.method, &path).unwrap();
            assert_eq!(found, op, "{path}");
            let got: Vec<(&str, &str)> = got.iter().map(|(n, v)| (*n, v.as_str())).collect();
            assert_eq!(got, params);
        }
    }

    #[test]
    fn path_errors() {
        assert_eq!(GET_CA.path_for(&[]), Err(PathError::MissingParam("caTag")));
        assert_eq!(
            GET_CA.path_for(&[("caTag", "")]),
            Err(PathError::EmptyParam("caTag"))
        );
        assert_eq!(
            GET_CA.path_for(&[("caTag", "a"), ("x", "b")]),
            Err(PathError::UnknownParam("x".to_owned()))
        );
        assert_eq!(GET_CA_LIST.path_for(&[]).as_deref(), Ok("/api/v1/ca"));
        assert_eq!(
            GET_CA.path_for(&[("caTag", "a/b")]).as_deref(),
            Ok("/api/v1/ca/a%2Fb")
        );
    }

    #[test]
    fn match_path_rejects_misfits() {
        assert!(GET_CA.match_path("/api/v1/ca/").is_none());
        assert!(GET_CA.match_path("/api/v1/ca/x/y").is_none());
        assert!(GET_CA.match_path("/api/v1/ca").is_none());
        assert!(GET_CA.match_path("/ca/x").is_some());
        assert!(find(Method::Put, "/api/v1/ca/x/chain").is_none());
        assert_eq!(
            find(Method::Get, "/api/v1/ca/x/crl/config").map(|f| f.0),
            Some(&GET_CRL_CONFIG)
        );
        assert_eq!(
            find(Method::Get, "/api/v1/ca/x/cert/sign").map(|f| f.0),
            Some(&GET_END_CERT)
        );
    }

    #[test]
    fn methods_parse_and_print() {
        for m in [Method::Get, Method::Post, Method::Put, Method::Delete] {
            assert_eq!(Method::parse(m.as_str()), Some(m));
            assert_eq!(m.to_string(), m.as_str());
        }
        assert_eq!(Method::parse("get"), None);
    }
}
