//! Storage: one SQLite database (rusqlite, bundled SQLite), in WAL mode when on disk so a
//! `kill -9` loses nothing that was answered, in memory without `--data-dir`.
//!
//! One connection behind a [`Mutex`]; callers run on blocking threads (`spawn_blocking`).
//! Every mutation is one transaction ([`Store::write`]); limits that must hold under
//! concurrency (CA count, alias uniqueness, signing count) are checked inside it.
//!
//! Schema (version 1, `PRAGMA user_version`):
//!
//! - `ca`: one row per CA: identity (`ca_id`, `ca_tag`, `alias`, `memo`, `ca_type`,
//!   `parent_tag`), status and dates, the private key (`key_pem`, PKCS#8), the CSR of an
//!   unsigned sub CA, the certificate with its chain (CA first, root last), `signing_count`,
//!   the OCSP URL, the CRL configuration (`crl_expiry`, null until set) and the current CRL
//!   (`crl_pem` with its number, next update and the `crl_revision` it reflects);
//! - `cert`: every certificate a CA signed (end certificates and sub CA certificates), in
//!   issue order, with its revocation time; `ON DELETE CASCADE` from `ca`;
//! - `ca_user`: sub accounts holding rights on a CA; `ON DELETE CASCADE` from `ca`;
//! - `sub_account`: the sub accounts' keys and IDs (`--sub-account`), kept across restarts.
//!
//! Depends on `crate::emulator` and `crate::api` only.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use crate::emulator::error::EmuError;

/// File name of the database inside `--data-dir`.
pub const DB_FILE: &str = "pca-emulator.sqlite3";

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ca (
    ca_id               INTEGER PRIMARY KEY AUTOINCREMENT,
    ca_tag              TEXT NOT NULL UNIQUE,
    alias               TEXT NOT NULL UNIQUE,
    memo                TEXT,
    ca_type             TEXT NOT NULL,
    status              TEXT NOT NULL,
    parent_tag          TEXT,
    key_type            TEXT NOT NULL,
    key_pem             TEXT NOT NULL,
    params_json         TEXT NOT NULL,
    csr_pem             TEXT,
    cert_pem            TEXT,
    chain_pem           TEXT,
    cert_serial         TEXT,
    not_before          INTEGER,
    not_after           INTEGER,
    signing_count       INTEGER NOT NULL DEFAULT 0,
    rgst_date           INTEGER NOT NULL,
    status_update_date  INTEGER NOT NULL,
    destroy_date        INTEGER,
    ocsp_url            TEXT,
    crl_expiry          TEXT,
    crl_revision        INTEGER NOT NULL DEFAULT 0,
    crl_number          INTEGER NOT NULL DEFAULT 0,
    crl_pem             TEXT,
    crl_written_number  INTEGER NOT NULL DEFAULT 0,
    crl_built_revision  INTEGER NOT NULL DEFAULT -1,
    crl_next_update     INTEGER
);
CREATE INDEX IF NOT EXISTS ca_parent ON ca(parent_tag);
CREATE INDEX IF NOT EXISTS ca_destroying ON ca(status, destroy_date);
CREATE TABLE IF NOT EXISTS cert (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    ca_tag               TEXT NOT NULL REFERENCES ca(ca_tag) ON DELETE CASCADE,
    serial               TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    common_name          TEXT NOT NULL,
    cert_pem             TEXT NOT NULL,
    not_before           INTEGER NOT NULL,
    not_after            INTEGER NOT NULL,
    public_key_algorithm TEXT NOT NULL,
    signature_algorithm  TEXT NOT NULL,
    ocsp_url             TEXT,
    revoked_at           INTEGER,
    UNIQUE (ca_tag, serial)
);
CREATE INDEX IF NOT EXISTS cert_by_ca ON cert(ca_tag, id);
CREATE TABLE IF NOT EXISTS ca_user (
    ca_tag    TEXT NOT NULL REFERENCES ca(ca_tag) ON DELETE CASCADE,
    id_no     TEXT NOT NULL,
    login_id  TEXT NOT NULL,
    mbr_no    INTEGER NOT NULL,
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (ca_tag, id_no)
);
CREATE TABLE IF NOT EXISTS sub_account (
    access_key  TEXT PRIMARY KEY,
    secret_key  TEXT NOT NULL,
    id_no       TEXT NOT NULL
);
";

/// The storage handle: one SQLite connection behind a mutex.
#[derive(Debug)]
pub(crate) struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) `DIR/pca-emulator.sqlite3` in WAL mode, or an in-memory
    /// database when `data_dir` is `None`.
    pub(crate) fn open(data_dir: Option<&Path>) -> Result<Store, EmuError> {
        let (conn, path) = match data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    EmuError::internal(format_args!("cannot create {}: {e}", dir.display()))
                })?;
                let path = dir.join(DB_FILE);
                let conn = Connection::open(&path)?;
                // WAL: readers never block the writer; a committed transaction is in the
                // OS's hands, so it survives the process being killed. `NORMAL` syncs at
                // checkpoints (an OS crash may lose the last commits; kill -9 cannot).
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                (conn, Some(path))
            }
            None => (Connection::open_in_memory()?, None),
        };
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(EmuError::internal(format_args!(
                "database schema version {version} is newer than this emulator ({SCHEMA_VERSION})"
            )));
        }
        conn.execute_batch(SCHEMA)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(Store {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// The database file, when on disk.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction open (it rolls back on
        // drop), so the connection stays usable: recover from poisoning.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs read-only work on the connection.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, EmuError>,
    ) -> Result<T, EmuError> {
        let conn = self.lock();
        f(&conn)
    }

    /// Runs `f` in one immediate transaction, committed when `f` succeeds and rolled back
    /// otherwise.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, EmuError>,
    ) -> Result<T, EmuError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------

/// One CA as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CaRow {
    /// Numeric id (`caId`).
    pub(crate) ca_id: i64,
    /// `caTag`.
    pub(crate) ca_tag: String,
    /// `alias`.
    pub(crate) alias: String,
    /// `memo`.
    pub(crate) memo: Option<String>,
    /// `PRIVATE_ROOT` or `PRIVATE_SUB`.
    pub(crate) ca_type: String,
    /// `ACTIVE`, `PENDING`, `DEACTIVATED` or `DESTROYING`.
    pub(crate) status: String,
    /// The emulator CA that signed this one, when known (cascade of deletions).
    pub(crate) parent_tag: Option<String>,
    /// `RSA2048`, `RSA4096`, `EC256` or `EC521`.
    pub(crate) key_type: String,
    /// Private key, PEM.
    pub(crate) key_pem: String,
    /// `x509Parameters` as given at creation (JSON).
    pub(crate) params_json: String,
    /// CSR of an unsigned sub CA (fixed at creation, so reads are stable).
    pub(crate) csr_pem: Option<String>,
    /// CA certificate, PEM (absent while `PENDING`).
    pub(crate) cert_pem: Option<String>,
    /// Chain from this CA to its root, PEM blocks joined by `\n`.
    pub(crate) chain_pem: Option<String>,
    /// Serial of the CA certificate.
    pub(crate) cert_serial: Option<String>,
    /// Certificate validity start (ms).
    pub(crate) not_before: Option<i64>,
    /// Certificate validity end (ms).
    pub(crate) not_after: Option<i64>,
    /// Certificates signed so far.
    pub(crate) signing_count: i64,
    /// Creation time (ms).
    pub(crate) rgst_date: i64,
    /// Last status change (ms).
    pub(crate) status_update_date: i64,
    /// Deletion time when `DESTROYING` (ms).
    pub(crate) destroy_date: Option<i64>,
    /// Configured OCSP responder URL.
    pub(crate) ocsp_url: Option<String>,
    /// Configured CRL expiry in days (`None` until Update CRL Config).
    pub(crate) crl_expiry: Option<String>,
    /// Bumped by every change the CRL must reflect.
    pub(crate) crl_revision: i64,
    /// The current CRL, PEM.
    pub(crate) crl_pem: Option<String>,
    /// The revision the current CRL reflects.
    pub(crate) crl_built_revision: i64,
    /// The current CRL's next update (ms).
    pub(crate) crl_next_update: Option<i64>,
}

const CA_COLUMNS: &str = "ca_id, ca_tag, alias, memo, ca_type, status, parent_tag, key_type, \
    key_pem, params_json, csr_pem, cert_pem, chain_pem, cert_serial, not_before, not_after, \
    signing_count, rgst_date, status_update_date, destroy_date, ocsp_url, crl_expiry, \
    crl_revision, crl_pem, crl_built_revision, crl_next_update";

fn ca_from_row(r: &Row<'_>) -> rusqlite::Result<CaRow> {
    Ok(CaRow {
        ca_id: r.get(0)?,
        ca_tag: r.get(1)?,
        alias: r.get(2)?,
        memo: r.get(3)?,
        ca_type: r.get(4)?,
        status: r.get(5)?,
        parent_tag: r.get(6)?,
        key_type: r.get(7)?,
        key_pem: r.get(8)?,
        params_json: r.get(9)?,
        csr_pem: r.get(10)?,
        cert_pem: r.get(11)?,
        chain_pem: r.get(12)?,
        cert_serial: r.get(13)?,
        not_before: r.get(14)?,
        not_after: r.get(15)?,
        signing_count: r.get(16)?,
        rgst_date: r.get(17)?,
        status_update_date: r.get(18)?,
        destroy_date: r.get(19)?,
        ocsp_url: r.get(20)?,
        crl_expiry: r.get(21)?,
        crl_revision: r.get(22)?,
        crl_pem: r.get(23)?,
        crl_built_revision: r.get(24)?,
        crl_next_update: r.get(25)?,
    })
}

/// The data of a new CA (everything but the generated id and counters).
#[derive(Debug, Clone)]
pub(crate) struct NewCa {
    /// `caTag`.
    pub(crate) ca_tag: String,
    /// `alias`.
    pub(crate) alias: String,
    /// `memo`.
    pub(crate) memo: Option<String>,
    /// `PRIVATE_ROOT` / `PRIVATE_SUB`.
    pub(crate) ca_type: String,
    /// Initial status.
    pub(crate) status: String,
    /// Signing emulator CA, if any.
    pub(crate) parent_tag: Option<String>,
    /// Key type.
    pub(crate) key_type: String,
    /// Private key, PEM.
    pub(crate) key_pem: String,
    /// `x509Parameters` JSON.
    pub(crate) params_json: String,
    /// CSR (unsigned sub CA).
    pub(crate) csr_pem: Option<String>,
    /// Certificate and its facts (signed CAs).
    pub(crate) cert: Option<CaCert>,
    /// Creation time (ms).
    pub(crate) now: i64,
}

/// A CA's certificate with the facts stored beside it.
#[derive(Debug, Clone)]
pub(crate) struct CaCert {
    /// Certificate, PEM.
    pub(crate) cert_pem: String,
    /// Chain, CA first, root last.
    pub(crate) chain_pem: String,
    /// Serial (colon hex).
    pub(crate) serial: String,
    /// Validity start (ms).
    pub(crate) not_before: i64,
    /// Validity end (ms).
    pub(crate) not_after: i64,
}

/// One certificate signed by a CA, as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CertRow {
    /// Issue order.
    pub(crate) id: i64,
    /// The signing CA.
    pub(crate) ca_tag: String,
    /// Serial (lower-case colon hex).
    pub(crate) serial: String,
    /// `END` or `SUB`.
    pub(crate) kind: String,
    /// Subject CN.
    pub(crate) common_name: String,
    /// Certificate, PEM.
    pub(crate) cert_pem: String,
    /// Validity start (ms).
    pub(crate) not_before: i64,
    /// Validity end (ms).
    pub(crate) not_after: i64,
    /// `RSA` / `EC`.
    pub(crate) public_key_algorithm: String,
    /// e.g. `SHA256WITHECDSA`.
    pub(crate) signature_algorithm: String,
    /// OCSP URL embedded at issuance.
    pub(crate) ocsp_url: Option<String>,
    /// Revocation time (ms), if revoked.
    pub(crate) revoked_at: Option<i64>,
}

const CERT_COLUMNS: &str = "id, ca_tag, serial, kind, common_name, cert_pem, not_before, \
    not_after, public_key_algorithm, signature_algorithm, ocsp_url, revoked_at";

fn cert_from_row(r: &Row<'_>) -> rusqlite::Result<CertRow> {
    Ok(CertRow {
        id: r.get(0)?,
        ca_tag: r.get(1)?,
        serial: r.get(2)?,
        kind: r.get(3)?,
        common_name: r.get(4)?,
        cert_pem: r.get(5)?,
        not_before: r.get(6)?,
        not_after: r.get(7)?,
        public_key_algorithm: r.get(8)?,
        signature_algorithm: r.get(9)?,
        ocsp_url: r.get(10)?,
        revoked_at: r.get(11)?,
    })
}

/// One CA user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UserRow {
    /// Sub-account ID.
    pub(crate) id_no: String,
    /// Login ID.
    pub(crate) login_id: String,
    /// Member number.
    pub(crate) mbr_no: i64,
}

// ---------------------------------------------------------------------------------------
// Queries (each takes the connection or the open transaction)
// ---------------------------------------------------------------------------------------

/// The CA with this tag.
pub(crate) fn get_ca(c: &Connection, tag: &str) -> Result<Option<CaRow>, EmuError> {
    let sql = format!("SELECT {CA_COLUMNS} FROM ca WHERE ca_tag = ?1");
    Ok(c.prepare_cached(&sql)?
        .query_row([tag], ca_from_row)
        .optional()?)
}

/// The CA whose certificate has this serial (to find the signer of an activated sub CA
/// among the emulator's CAs).
pub(crate) fn find_ca_by_serial(c: &Connection, serial: &str) -> Result<Option<String>, EmuError> {
    Ok(
        c.prepare_cached("SELECT ca_tag FROM ca WHERE cert_serial = ?1 ORDER BY ca_id LIMIT 1")?
            .query_row([serial], |r| r.get(0))
            .optional()?,
    )
}

/// Number of CAs.
pub(crate) fn count_cas(c: &Connection) -> Result<i64, EmuError> {
    Ok(c.query_row("SELECT COUNT(*) FROM ca", [], |r| r.get(0))?)
}

/// How many CAs the sub account `id_no` was granted (Add CA User).
pub(crate) fn count_cas_of_user(c: &Connection, id_no: &str) -> Result<i64, EmuError> {
    Ok(c.query_row(
        "SELECT COUNT(*) FROM ca WHERE ca_tag IN (SELECT ca_tag FROM ca_user WHERE id_no = ?1)",
        [id_no],
        |r| r.get(0),
    )?)
}

/// One page of the CAs the sub account `id_no` was granted, in creation order.
pub(crate) fn list_cas_of_user(
    c: &Connection,
    id_no: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<CaRow>, EmuError> {
    let sql = format!(
        "SELECT {CA_COLUMNS} FROM ca WHERE ca_tag IN (SELECT ca_tag FROM ca_user WHERE id_no = ?3) \
         ORDER BY ca_id LIMIT ?1 OFFSET ?2"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![limit, offset, id_no], ca_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Whether the sub account `id_no` was granted the CA `tag`.
pub(crate) fn is_user(c: &Connection, tag: &str, id_no: &str) -> Result<bool, EmuError> {
    Ok(
        c.prepare_cached("SELECT 1 FROM ca_user WHERE ca_tag = ?1 AND id_no = ?2")?
            .query_row([tag, id_no], |_| Ok(()))
            .optional()?
            .is_some(),
    )
}

/// Stores a sub account (replacing one with the same access key).
pub(crate) fn save_sub_account(
    c: &Connection,
    access_key: &str,
    secret_key: &str,
    id_no: &str,
) -> Result<(), EmuError> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO sub_account (access_key, secret_key, id_no) VALUES (?1, ?2, ?3)",
    )?
    .execute([access_key, secret_key, id_no])?;
    Ok(())
}

/// Every stored sub account as `(access_key, secret_key, id_no)`.
pub(crate) fn sub_accounts(c: &Connection) -> Result<Vec<(String, String, String)>, EmuError> {
    let mut stmt =
        c.prepare_cached("SELECT access_key, secret_key, id_no FROM sub_account ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// One page of CAs in creation order.
pub(crate) fn list_cas(c: &Connection, offset: i64, limit: i64) -> Result<Vec<CaRow>, EmuError> {
    let sql = format!("SELECT {CA_COLUMNS} FROM ca ORDER BY ca_id LIMIT ?1 OFFSET ?2");
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![limit, offset], ca_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Whether another CA already uses this alias.
pub(crate) fn alias_exists(c: &Connection, alias: &str) -> Result<bool, EmuError> {
    Ok(c.prepare_cached("SELECT 1 FROM ca WHERE alias = ?1")?
        .query_row([alias], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether a CA uses this tag.
pub(crate) fn tag_exists(c: &Connection, tag: &str) -> Result<bool, EmuError> {
    Ok(c.prepare_cached("SELECT 1 FROM ca WHERE ca_tag = ?1")?
        .query_row([tag], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Inserts a CA; returns its `caId`.
pub(crate) fn insert_ca(c: &Connection, ca: &NewCa) -> Result<i64, EmuError> {
    let cert = ca.cert.as_ref();
    c.prepare_cached(
        "INSERT INTO ca (ca_tag, alias, memo, ca_type, status, parent_tag, key_type, key_pem, \
         params_json, csr_pem, cert_pem, chain_pem, cert_serial, not_before, not_after, \
         rgst_date, status_update_date) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    )?
    .execute(params![
        ca.ca_tag,
        ca.alias,
        ca.memo,
        ca.ca_type,
        ca.status,
        ca.parent_tag,
        ca.key_type,
        ca.key_pem,
        ca.params_json,
        ca.csr_pem,
        cert.map(|x| &x.cert_pem),
        cert.map(|x| &x.chain_pem),
        cert.map(|x| &x.serial),
        cert.map(|x| x.not_before),
        cert.map(|x| x.not_after),
        ca.now,
    ])?;
    Ok(c.last_insert_rowid())
}

/// Installs the certificate of a sub CA and makes it `ACTIVE` (Activate Sub CA).
pub(crate) fn activate_ca(
    c: &Connection,
    tag: &str,
    cert: &CaCert,
    parent_tag: Option<&str>,
    now: i64,
) -> Result<(), EmuError> {
    c.prepare_cached(
        "UPDATE ca SET status = 'ACTIVE', cert_pem = ?2, chain_pem = ?3, cert_serial = ?4, \
         not_before = ?5, not_after = ?6, parent_tag = ?7, status_update_date = ?8, \
         crl_revision = crl_revision + 1 WHERE ca_tag = ?1",
    )?
    .execute(params![
        tag,
        cert.cert_pem,
        cert.chain_pem,
        cert.serial,
        cert.not_before,
        cert.not_after,
        parent_tag,
        now
    ])?;
    Ok(())
}

/// Sets status, status date, destroy date and (when given) memo.
pub(crate) fn update_status(
    c: &Connection,
    tag: &str,
    status: &str,
    status_changed: bool,
    destroy_date: Option<i64>,
    memo: Option<&str>,
    now: i64,
) -> Result<(), EmuError> {
    c.prepare_cached(
        "UPDATE ca SET status = ?2, destroy_date = ?3, memo = COALESCE(?4, memo), \
         status_update_date = CASE WHEN ?5 THEN ?6 ELSE status_update_date END \
         WHERE ca_tag = ?1",
    )?
    .execute(params![
        tag,
        status,
        destroy_date,
        memo,
        status_changed,
        now
    ])?;
    Ok(())
}

/// Deletes a CA, every CA below it (by `parent_tag`), and (by cascade) their
/// certificates and users. Returns the number of CAs removed.
pub(crate) fn delete_ca_tree(c: &Connection, tag: &str) -> Result<usize, EmuError> {
    Ok(c.prepare_cached(
        "WITH RECURSIVE tree(tag) AS (SELECT ?1 UNION SELECT ca.ca_tag FROM ca \
             JOIN tree ON ca.parent_tag = tree.tag) \
             DELETE FROM ca WHERE ca_tag IN (SELECT tag FROM tree)",
    )?
    .execute([tag])?)
}

/// Deletes every CA whose scheduled deletion time has come (§1.10: 72 h after
/// `DESTROYING`), with the CAs below it. Returns the number of CAs removed.
pub(crate) fn sweep_destroyed(c: &Connection, now: i64) -> Result<usize, EmuError> {
    let due: Vec<String> = {
        let mut stmt = c.prepare_cached(
            "SELECT ca_tag FROM ca WHERE status = 'DESTROYING' AND destroy_date <= ?1",
        )?;
        let rows = stmt.query_map([now], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut removed = 0;
    for tag in due {
        removed += delete_ca_tree(c, &tag)?;
    }
    Ok(removed)
}

/// Whether any CA is due for automatic deletion (cheap pre-check for the sweep).
pub(crate) fn any_due(c: &Connection, now: i64) -> Result<bool, EmuError> {
    Ok(c.prepare_cached(
        "SELECT 1 FROM ca WHERE status = 'DESTROYING' AND destroy_date <= ?1 LIMIT 1",
    )?
    .query_row([now], |_| Ok(()))
    .optional()?
    .is_some())
}

/// Adds one to the CA's signing count.
pub(crate) fn bump_signing_count(c: &Connection, tag: &str) -> Result<(), EmuError> {
    c.prepare_cached("UPDATE ca SET signing_count = signing_count + 1 WHERE ca_tag = ?1")?
        .execute([tag])?;
    Ok(())
}

/// Records a signed certificate.
pub(crate) fn insert_cert(c: &Connection, cert: &CertRow) -> Result<(), EmuError> {
    c.prepare_cached(
        "INSERT INTO cert (ca_tag, serial, kind, common_name, cert_pem, not_before, not_after, \
         public_key_algorithm, signature_algorithm, ocsp_url, revoked_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        cert.ca_tag,
        cert.serial,
        cert.kind,
        cert.common_name,
        cert.cert_pem,
        cert.not_before,
        cert.not_after,
        cert.public_key_algorithm,
        cert.signature_algorithm,
        cert.ocsp_url,
        cert.revoked_at,
    ])?;
    Ok(())
}

/// The certificate with this serial (lower-case colon hex) signed by the CA.
pub(crate) fn get_cert(
    c: &Connection,
    tag: &str,
    serial: &str,
) -> Result<Option<CertRow>, EmuError> {
    let sql = format!("SELECT {CERT_COLUMNS} FROM cert WHERE ca_tag = ?1 AND serial = ?2");
    Ok(c.prepare_cached(&sql)?
        .query_row([tag, serial], cert_from_row)
        .optional()?)
}

/// Number of certificates listed for the CA.
pub(crate) fn count_certs(c: &Connection, tag: &str) -> Result<i64, EmuError> {
    Ok(
        c.prepare_cached("SELECT COUNT(*) FROM cert WHERE ca_tag = ?1")?
            .query_row([tag], |r| r.get(0))?,
    )
}

/// One page of serials in issue order.
pub(crate) fn list_serials(
    c: &Connection,
    tag: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<String>, EmuError> {
    let mut stmt = c.prepare_cached(
        "SELECT serial FROM cert WHERE ca_tag = ?1 ORDER BY id LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(params![tag, limit, offset], |r| r.get(0))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Marks a certificate revoked (first revocation time wins) and bumps the CA's CRL
/// revision. Returns whether the certificate was newly revoked.
pub(crate) fn revoke_cert(
    c: &Connection,
    tag: &str,
    serial: &str,
    now: i64,
) -> Result<bool, EmuError> {
    let changed = c
        .prepare_cached(
            "UPDATE cert SET revoked_at = ?3 WHERE ca_tag = ?1 AND serial = ?2 \
             AND revoked_at IS NULL",
        )?
        .execute(params![tag, serial, now])?;
    if changed > 0 {
        bump_crl_revision(c, tag)?;
    }
    Ok(changed > 0)
}

/// Revoked certificates of the CA: `(serial, revoked_at, not_after)`.
pub(crate) fn revoked(c: &Connection, tag: &str) -> Result<Vec<(String, i64, i64)>, EmuError> {
    let mut stmt = c.prepare_cached(
        "SELECT serial, revoked_at, not_after FROM cert WHERE ca_tag = ?1 \
         AND revoked_at IS NOT NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([tag], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Removes the CA's expired certificates (Trim CA, §2.24). Returns how many went.
pub(crate) fn trim_expired(c: &Connection, tag: &str, now: i64) -> Result<usize, EmuError> {
    let n = c
        .prepare_cached("DELETE FROM cert WHERE ca_tag = ?1 AND not_after <= ?2")?
        .execute(params![tag, now])?;
    bump_crl_revision(c, tag)?;
    Ok(n)
}

/// Marks the CA's CRL as out of date.
pub(crate) fn bump_crl_revision(c: &Connection, tag: &str) -> Result<(), EmuError> {
    c.prepare_cached("UPDATE ca SET crl_revision = crl_revision + 1 WHERE ca_tag = ?1")?
        .execute([tag])?;
    Ok(())
}

/// Allocates the next CRL number of the CA; returns `(number, revision)` — the revision
/// the new CRL will reflect, read in the same transaction as the revoked list.
pub(crate) fn next_crl_number(c: &Connection, tag: &str) -> Result<(i64, i64), EmuError> {
    c.prepare_cached("UPDATE ca SET crl_number = crl_number + 1 WHERE ca_tag = ?1")?
        .execute([tag])?;
    Ok(
        c.prepare_cached("SELECT crl_number, crl_revision FROM ca WHERE ca_tag = ?1")?
            .query_row([tag], |r| Ok((r.get(0)?, r.get(1)?)))?,
    )
}

/// Stores a freshly built CRL unless a newer one (higher number) is already stored.
pub(crate) fn store_crl(
    c: &Connection,
    tag: &str,
    number: i64,
    revision: i64,
    pem: &str,
    next_update: i64,
) -> Result<(), EmuError> {
    c.prepare_cached(
        "UPDATE ca SET crl_pem = ?3, crl_written_number = ?2, crl_built_revision = ?4, \
         crl_next_update = ?5 WHERE ca_tag = ?1 AND crl_written_number < ?2",
    )?
    .execute(params![tag, number, pem, revision, next_update])?;
    Ok(())
}

/// Sets the CRL expiry (days, as text) and marks the CRL out of date.
pub(crate) fn set_crl_expiry(c: &Connection, tag: &str, expiry: &str) -> Result<(), EmuError> {
    c.prepare_cached("UPDATE ca SET crl_expiry = ?2 WHERE ca_tag = ?1")?
        .execute([tag, expiry])?;
    bump_crl_revision(c, tag)
}

/// Sets or clears the OCSP URL.
pub(crate) fn set_ocsp_url(c: &Connection, tag: &str, url: Option<&str>) -> Result<(), EmuError> {
    c.prepare_cached("UPDATE ca SET ocsp_url = ?2 WHERE ca_tag = ?1")?
        .execute(params![tag, url])?;
    Ok(())
}

/// Adds a user (no effect when present). Returns whether it was added.
pub(crate) fn add_user(
    c: &Connection,
    tag: &str,
    user: &UserRow,
    now: i64,
) -> Result<bool, EmuError> {
    Ok(c.prepare_cached(
        "INSERT OR IGNORE INTO ca_user (ca_tag, id_no, login_id, mbr_no, added_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![tag, user.id_no, user.login_id, user.mbr_no, now])?
        > 0)
}

/// The CA's users in the order they were added.
pub(crate) fn list_users(c: &Connection, tag: &str) -> Result<Vec<UserRow>, EmuError> {
    let mut stmt = c.prepare_cached(
        "SELECT id_no, login_id, mbr_no FROM ca_user WHERE ca_tag = ?1 \
         ORDER BY added_at, rowid",
    )?;
    let rows = stmt.query_map([tag], |r| {
        Ok(UserRow {
            id_no: r.get(0)?,
            login_id: r.get(1)?,
            mbr_no: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Removes a user. Returns whether it existed.
pub(crate) fn delete_user(c: &Connection, tag: &str, id_no: &str) -> Result<bool, EmuError> {
    Ok(
        c.prepare_cached("DELETE FROM ca_user WHERE ca_tag = ?1 AND id_no = ?2")?
            .execute([tag, id_no])?
            > 0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_ca(tag: &str, alias: &str, parent: Option<&str>) -> NewCa {
        NewCa {
            ca_tag: tag.to_owned(),
            alias: alias.to_owned(),
            memo: None,
            ca_type: "PRIVATE_ROOT".to_owned(),
            status: "ACTIVE".to_owned(),
            parent_tag: parent.map(str::to_owned),
            key_type: "EC256".to_owned(),
            key_pem: "KEY".to_owned(),
            params_json: "{}".to_owned(),
            csr_pem: None,
            cert: Some(CaCert {
                cert_pem: format!("CERT-{tag}"),
                chain_pem: "CHAIN".to_owned(),
                serial: "01".to_owned(),
                not_before: 0,
                not_after: 100,
            }),
            now: 5,
        }
    }

    fn cert(tag: &str, serial: &str, not_after: i64) -> CertRow {
        CertRow {
            id: 0,
            ca_tag: tag.to_owned(),
            serial: serial.to_owned(),
            kind: "END".to_owned(),
            common_name: "cn".to_owned(),
            cert_pem: "PEM".to_owned(),
            not_before: 0,
            not_after,
            public_key_algorithm: "EC".to_owned(),
            signature_algorithm: "SHA256WITHECDSA".to_owned(),
            ocsp_url: None,
            revoked_at: None,
        }
    }

    #[test]
    fn cas_certs_users_and_cascade() {
        let s = Store::open(None).unwrap();
        s.write(|c| {
            insert_ca(c, &new_ca("root", "root1", None))?;
            insert_ca(c, &new_ca("sub", "sub1", Some("root")))?;
            insert_ca(c, &new_ca("leaf", "leaf1", Some("sub")))?;
            insert_ca(c, &new_ca("other", "other1", None))?;
            insert_cert(c, &cert("sub", "aa", 10))?;
            insert_cert(c, &cert("sub", "bb", 1000))?;
            add_user(
                c,
                "sub",
                &UserRow {
                    id_no: "u".into(),
                    login_id: "l".into(),
                    mbr_no: 1,
                },
                1,
            )?;
            Ok(())
        })
        .unwrap();
        s.read(|c| {
            assert_eq!(count_cas(c)?, 4);
            assert!(alias_exists(c, "sub1")?);
            assert_eq!(find_ca_by_serial(c, "01")?.as_deref(), Some("root"));
            assert_eq!(list_serials(c, "sub", 0, 10)?, ["aa", "bb"]);
            assert_eq!(list_serials(c, "sub", 1, 10)?, ["bb"]);
            assert_eq!(list_cas(c, 1, 2)?.len(), 2);
            Ok(())
        })
        .unwrap();
        s.write(|c| {
            assert!(revoke_cert(c, "sub", "aa", 7)?);
            assert!(!revoke_cert(c, "sub", "aa", 8)?);
            assert_eq!(revoked(c, "sub")?, vec![("aa".to_owned(), 7, 10)]);
            assert_eq!(trim_expired(c, "sub", 50)?, 1);
            assert!(revoked(c, "sub")?.is_empty());
            assert_eq!(count_certs(c, "sub")?, 1);
            Ok(())
        })
        .unwrap();
        let removed = s.write(|c| delete_ca_tree(c, "root")).unwrap();
        assert_eq!(removed, 3);
        s.read(|c| {
            assert_eq!(count_cas(c)?, 1);
            assert_eq!(count_certs(c, "sub")?, 0);
            assert!(list_users(c, "sub")?.is_empty());
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn sweep_and_crl_numbers() {
        let s = Store::open(None).unwrap();
        s.write(|c| {
            insert_ca(c, &new_ca("a", "aaa", None))?;
            update_status(c, "a", "DESTROYING", true, Some(100), None, 1)?;
            let (n1, r1) = next_crl_number(c, "a")?;
            let (n2, _) = next_crl_number(c, "a")?;
            assert_eq!((n1, n2), (1, 2));
            store_crl(c, "a", n2, r1, "new", 9)?;
            store_crl(c, "a", n1, r1, "old", 9)?;
            assert_eq!(get_ca(c, "a")?.unwrap().crl_pem.as_deref(), Some("new"));
            Ok(())
        })
        .unwrap();
        assert!(!s.read(|c| any_due(c, 99)).unwrap());
        assert!(s.read(|c| any_due(c, 100)).unwrap());
        assert_eq!(s.write(|c| sweep_destroyed(c, 100)).unwrap(), 1);
    }

    #[test]
    fn write_rolls_back_on_error() {
        let s = Store::open(None).unwrap();
        let r: Result<(), EmuError> = s.write(|c| {
            insert_ca(c, &new_ca("a", "aaa", None))?;
            Err(EmuError::TooManyCas)
        });
        assert_eq!(r, Err(EmuError::TooManyCas));
        assert_eq!(s.read(count_cas).unwrap(), 0);
    }

    #[test]
    fn on_disk_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(Some(dir.path())).unwrap();
            s.write(|c| insert_ca(c, &new_ca("a", "aaa", None)))
                .unwrap();
        }
        let s = Store::open(Some(dir.path())).unwrap();
        assert_eq!(s.read(count_cas).unwrap(), 1);
        assert!(s.path().unwrap().ends_with(DB_FILE));
    }
}
