//! Shared emulator state ([`EmuState`]): configuration, storage, an injectable clock
//! ([`Clock`]), an injectable ID generator ([`IdGenerator`]) and the fault-injection knobs
//! ([`Faults`]).
//!
//! Depends on `crate::emulator` and `crate::api` only.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU16, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::emulator::config::Config;
use crate::emulator::error::EmuError;
use crate::emulator::pki;
use crate::emulator::store::Store;

// ---------------------------------------------------------------------------------------
// Clock
// ---------------------------------------------------------------------------------------

/// The emulator's notion of "now", in Unix epoch milliseconds: used for the timestamp
/// check (§1.4), certificate dates, CRLs, the 72-hour deletion and Trim CA.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time, Unix epoch milliseconds.
    fn now_ms(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A clock that only moves when told to (tests: stale timestamps, expiry, the 72-hour
/// deletion). Cheap to share: clone the `Arc`.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock showing `now_ms`.
    pub fn new(now_ms: i64) -> ManualClock {
        ManualClock(AtomicI64::new(now_ms))
    }

    /// A clock showing the current system time.
    pub fn starting_now() -> ManualClock {
        ManualClock::new(SystemClock.now_ms())
    }

    /// Sets the time.
    pub fn set(&self, now_ms: i64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }

    /// Moves the time forward by `ms` (backward when negative).
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

// ---------------------------------------------------------------------------------------
// Pseudo-random numbers and IDs
// ---------------------------------------------------------------------------------------

/// SplitMix64: a tiny, seedable, lock-free generator (not for secrets). Each draw is one
/// atomic add, so concurrent draws never repeat a value.
#[derive(Debug)]
struct SplitMix(AtomicU64);

impl SplitMix {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    fn new(seed: u64) -> SplitMix {
        SplitMix(AtomicU64::new(seed))
    }

    fn from_os() -> SplitMix {
        let seed = getrandom::u64().unwrap_or_else(|_| {
            // No OS randomness: fall back to the time (IDs need only be unique-ish).
            u64::try_from(SystemClock.now_ms()).unwrap_or_default() ^ u64::from(std::process::id())
        });
        SplitMix::new(seed)
    }

    fn next(&self) -> u64 {
        let mut z = self
            .0
            .fetch_add(Self::GAMMA, Ordering::Relaxed)
            .wrapping_add(Self::GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform draw in `[0, 1)`.
    fn next_f64(&self) -> f64 {
        // 53 random bits → exactly representable.
        #[allow(clippy::cast_precision_loss)]
        let x = (self.next() >> 11) as f64;
        x / (1u64 << 53) as f64
    }
}

/// Generates CA tags (§1.9: the emulator uses 8 lower-case hex digits, `-`, 8 more).
/// Certificate serials come from the PKI engine (`pki::new_serial`).
pub trait IdGenerator: Send + Sync + fmt::Debug {
    /// A new CA tag; the caller retries when it is already taken.
    fn ca_tag(&self) -> String;
}

/// Pseudo-random CA tags, from a seed (deterministic, for tests) or from the OS.
#[derive(Debug)]
pub struct RandomIds(SplitMix);

impl RandomIds {
    /// Tags seeded from the OS.
    pub fn from_os() -> RandomIds {
        RandomIds(SplitMix::from_os())
    }

    /// A deterministic sequence of tags.
    pub fn seeded(seed: u64) -> RandomIds {
        RandomIds(SplitMix::new(seed))
    }
}

impl IdGenerator for RandomIds {
    fn ca_tag(&self) -> String {
        let x = self.0.next();
        format!("{:08x}-{:08x}", x >> 32, x & 0xFFFF_FFFF)
    }
}

// ---------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------

/// Fault-injection knobs for `/api/v1` requests, adjustable at run time. A fault is decided
/// before any other processing, so a faulted request changes nothing.
#[derive(Debug)]
pub struct Faults {
    /// Fault probability, as `f64` bits.
    rate: AtomicU64,
    status: AtomicU16,
    latency_ms: AtomicU64,
    write_delay_ms: AtomicU64,
    /// `Retry-After` seconds of injected 429/503 faults; `u64::MAX` = no header.
    retry_after: AtomicU64,
    injected: AtomicU64,
    next_n: AtomicU32,
    next_status: AtomicU16,
    rng: SplitMix,
}

impl Faults {
    /// Knobs from the configuration (`--fault-rate`, `--fault-status`, `--latency-ms`,
    /// `--fault-seed`).
    pub fn new(config: &Config) -> Faults {
        Faults {
            rate: AtomicU64::new(config.fault_rate.to_bits()),
            status: AtomicU16::new(config.fault_status),
            latency_ms: AtomicU64::new(config.latency_ms),
            write_delay_ms: AtomicU64::new(config.write_delay_ms),
            retry_after: AtomicU64::new(config.fault_retry_after.unwrap_or(u64::MAX)),
            injected: AtomicU64::new(0),
            next_n: AtomicU32::new(0),
            next_status: AtomicU16::new(503),
            rng: config
                .fault_seed
                .map_or_else(SplitMix::from_os, SplitMix::new),
        }
    }

    /// Fail a fraction `rate` (clamped to `[0, 1]`) of requests with `status`.
    pub fn set_rate(&self, rate: f64, status: u16) {
        self.rate
            .store(rate.clamp(0.0, 1.0).to_bits(), Ordering::SeqCst);
        self.status.store(status, Ordering::SeqCst);
    }

    /// Fail the next `n` requests with `status` (before the random rate applies).
    pub fn fail_next(&self, n: u32, status: u16) {
        self.next_status.store(status, Ordering::SeqCst);
        self.next_n.store(n, Ordering::SeqCst);
    }

    /// Delay every request by `ms`.
    pub fn set_latency_ms(&self, ms: u64) {
        self.latency_ms.store(ms, Ordering::SeqCst);
    }

    /// The added latency in ms.
    pub fn latency_ms(&self) -> u64 {
        self.latency_ms.load(Ordering::SeqCst)
    }

    /// Hold the responses of state-changing requests `ms` after they are processed.
    pub fn set_write_delay_ms(&self, ms: u64) {
        self.write_delay_ms.store(ms, Ordering::SeqCst);
    }

    /// The delay of responses to state-changing requests, in ms.
    pub fn write_delay_ms(&self) -> u64 {
        self.write_delay_ms.load(Ordering::SeqCst)
    }

    /// `Retry-After` seconds for injected 429/503 faults; `None` sends no header.
    pub fn set_retry_after(&self, seconds: Option<u64>) {
        self.retry_after
            .store(seconds.unwrap_or(u64::MAX), Ordering::SeqCst);
    }

    /// `Retry-After` seconds for injected 429/503 faults, if any.
    pub fn retry_after(&self) -> Option<u64> {
        Some(self.retry_after.load(Ordering::SeqCst)).filter(|s| *s != u64::MAX)
    }

    /// How many faults were injected so far.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::SeqCst)
    }

    /// Decides the fate of one request: `Some(status)` to fail it.
    pub fn decide(&self) -> Option<u16> {
        let fate = self.draw();
        if fate.is_some() {
            self.injected.fetch_add(1, Ordering::SeqCst);
        }
        fate
    }

    fn draw(&self) -> Option<u16> {
        let taken = self
            .next_n
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if taken.is_ok() {
            return Some(self.next_status.load(Ordering::SeqCst));
        }
        let rate = f64::from_bits(self.rate.load(Ordering::SeqCst));
        if rate <= 0.0 {
            return None;
        }
        (rate >= 1.0 || self.rng.next_f64() < rate).then(|| self.status.load(Ordering::SeqCst))
    }
}

// ---------------------------------------------------------------------------------------
// The state
// ---------------------------------------------------------------------------------------

/// A CA's signing material, parsed once: its certificate and its private key.
#[derive(Debug)]
pub(crate) struct CachedIssuer {
    /// The CA certificate, PEM.
    pub(crate) cert_pem: String,
    /// The CA key.
    pub(crate) key: pki::CaKey,
}

impl CachedIssuer {
    /// The engine's view of it.
    pub(crate) fn issuer(&self) -> pki::Issuer<'_> {
        pki::Issuer {
            cert_pem: &self.cert_pem,
            key: &self.key,
        }
    }
}

/// Parsed issuers, keyed by CA tag and certificate serial (so a re-activated or replaced CA
/// never reuses a stale entry).
type IssuerCache = Mutex<HashMap<(String, String), Arc<CachedIssuer>>>;

#[derive(Debug)]
struct Inner {
    config: Config,
    base_url: String,
    store: Store,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    faults: Faults,
    issuers: IssuerCache,
    sub_accounts: Vec<crate::emulator::config::SubAccount>,
}

/// Everything the handlers share; cheap to clone.
#[derive(Debug, Clone)]
pub struct EmuState {
    inner: Arc<Inner>,
}

impl EmuState {
    /// Opens the store of `config` with the system clock and OS-seeded IDs. `base_url`
    /// (e.g. `http://127.0.0.1:8700`, no trailing `/`) goes into certificates (CRL
    /// distribution point, AIA) and `urlInfo`; `config.public_url` wins over it.
    pub fn open(config: &Config, base_url: &str) -> Result<EmuState, EmuError> {
        EmuState::open_with(
            config,
            base_url,
            Arc::new(SystemClock),
            Arc::new(RandomIds::from_os()),
        )
    }

    /// As [`EmuState::open`] with a given clock and ID generator.
    pub fn open_with(
        config: &Config,
        base_url: &str,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Result<EmuState, EmuError> {
        let store = Store::open(config.data_dir.as_deref())?;
        // Sub accounts: those given now are stored, then every stored one is known.
        let sub_accounts = store.write(|c| {
            for a in &config.sub_accounts {
                crate::emulator::store::save_sub_account(
                    c,
                    &a.access_key,
                    &a.secret_key,
                    &a.id_no,
                )?;
            }
            crate::emulator::store::sub_accounts(c)
        })?;
        let sub_accounts = sub_accounts
            .into_iter()
            .map(
                |(access_key, secret_key, id_no)| crate::emulator::config::SubAccount {
                    access_key,
                    secret_key,
                    id_no,
                },
            )
            .collect();
        let base_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| base_url.to_owned())
            .trim_end_matches('/')
            .to_owned();
        Ok(EmuState {
            inner: Arc::new(Inner {
                config: config.clone(),
                base_url,
                store,
                clock,
                ids,
                faults: Faults::new(config),
                sub_accounts,
                issuers: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The base URL used in certificates and `urlInfo`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The current time (ms), shifted by `--clock-offset`.
    pub fn now_ms(&self) -> i64 {
        self.inner
            .clock
            .now_ms()
            .saturating_add(self.inner.config.clock_offset_secs.saturating_mul(1000))
    }

    /// The sub accounts: from `--sub-account` and, with `--data-dir`, from earlier runs.
    pub fn sub_accounts(&self) -> &[crate::emulator::config::SubAccount] {
        &self.inner.sub_accounts
    }

    /// The fault knobs.
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// The database file, when the state is on disk.
    pub fn store_path(&self) -> Option<&std::path::Path> {
        self.inner.store.path()
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn ids(&self) -> &dyn IdGenerator {
        self.inner.ids.as_ref()
    }

    /// The parsed issuer of a CA (key + certificate), cached per certificate serial.
    pub(crate) fn issuer(
        &self,
        tag: &str,
        serial: &str,
        build: impl FnOnce() -> Result<CachedIssuer, EmuError>,
    ) -> Result<Arc<CachedIssuer>, EmuError> {
        let key = (tag.to_owned(), serial.to_owned());
        if let Some(i) = self
            .inner
            .issuers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(Arc::clone(i));
        }
        let issuer = Arc::new(build()?);
        let mut cache = self
            .inner
            .issuers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // A deleted CA leaves entries behind; bound the cache instead of tracking them.
        if cache.len() > 256 {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&issuer));
        Ok(issuer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_are_deterministic_and_well_formed() {
        let a = RandomIds::seeded(42);
        let b = RandomIds::seeded(42);
        let ta: Vec<String> = (0..5).map(|_| a.ca_tag()).collect();
        let tb: Vec<String> = (0..5).map(|_| b.ca_tag()).collect();
        assert_eq!(ta, tb);
        for t in &ta {
            assert_eq!(t.len(), 17);
            assert_eq!(&t[8..9], "-");
            assert!(
                t.bytes()
                    .filter(|c| *c != b'-')
                    .all(|c| c.is_ascii_hexdigit())
            );
            assert_eq!(t, &t.to_ascii_lowercase());
        }
        assert_ne!(ta[0], ta[1]);
    }

    #[test]
    fn manual_clock_moves_on_demand() {
        let c = ManualClock::new(1000);
        c.advance(500);
        assert_eq!(c.now_ms(), 1500);
        c.set(7);
        assert_eq!(c.now_ms(), 7);
        assert!(SystemClock.now_ms() > 1_600_000_000_000);
    }

    #[test]
    fn faults_rate_next_and_seed() {
        let config = Config {
            fault_rate: 0.5,
            fault_seed: Some(1),
            ..Config::default()
        };
        let a = Faults::new(&config);
        let b = Faults::new(&config);
        let da: Vec<Option<u16>> = (0..200).map(|_| a.decide()).collect();
        let db: Vec<Option<u16>> = (0..200).map(|_| b.decide()).collect();
        assert_eq!(da, db);
        let failed = da.iter().filter(|d| d.is_some()).count();
        assert!((60..140).contains(&failed), "{failed}");

        let f = Faults::new(&Config::default());
        assert_eq!(f.decide(), None);
        f.fail_next(2, 429);
        assert_eq!(
            (f.decide(), f.decide(), f.decide()),
            (Some(429), Some(429), None)
        );
        f.set_rate(1.0, 500);
        assert!((0..50).all(|_| f.decide() == Some(500)));
        f.set_rate(0.0, 500);
        assert_eq!(f.decide(), None);
    }
}
