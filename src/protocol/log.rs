//! Logging in the format Terraform understands: one hclog JSON object per line on **stderr**.
//!
//! Terraform reads a provider's stderr line by line. A line that is a JSON object with
//! `@level`, a string `@message` and an `@timestamp` in Go's layout
//! `2006-01-02T15:04:05.000000Z07:00` (exactly six fractional digits) becomes a log entry at
//! that level; every other key is shown as a key/value pair. Lines look like:
//!
//! ```text
//! {"@level":"debug","@message":"configured","@module":"example","@timestamp":"2026-11-28T21:37:14.123456Z","tf_rpc":"ConfigureProvider"}
//! ```
//!
//! [`HclogLayer`] is a [`tracing_subscriber::Layer`] producing exactly that. Fields of the
//! enclosing spans (outermost first) are merged into each event, so a framework can put
//! `tf_rpc` / `tf_req_id` on a per-request span once.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG` (see [`level_from_lookup`]); with
//! neither set Terraform discards provider output, so nothing is installed and nothing is logged.
//!
//! # Secrets
//!
//! Never pass secret values (API keys, passwords, private keys, tokens, certificate private
//! material) as message text or fields. As a safety net, a field whose *name* looks like a secret
//! (contains `secret`, `password`, `passwd`, `token`, `private_key`, `privatekey`, `credential`,
//! `access_key`, `accesskey`, `api_key`, `apikey` or `authorization`, case-insensitively) is
//! written as `"[redacted]"`; the message text itself is not inspected.

use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

/// Environment variable with the provider log level (takes precedence over [`ENV_LOG`]).
pub const ENV_LOG_PROVIDER: &str = "TF_LOG_PROVIDER";

/// Terraform's global log level variable.
pub const ENV_LOG: &str = "TF_LOG";

/// Module name written as `@module` unless [`HclogLayer::with_module`] says otherwise.
pub const DEFAULT_MODULE: &str = "provider";

const REDACTED: &str = "[redacted]";

const SECRET_NAME_PARTS: &[&str] = &[
    "secret",
    "password",
    "passwd",
    "token",
    "private_key",
    "privatekey",
    "credential",
    "access_key",
    "accesskey",
    "api_key",
    "apikey",
    "authorization",
];

/// The log level Terraform asks the provider for, or `None` for "log nothing".
///
/// Reads `TF_LOG_PROVIDER`, falling back to `TF_LOG` when that is unset or empty. Values are
/// case-insensitive: `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`; `OFF` disables logging; `JSON`
/// and any other non-empty value mean `TRACE` (as in Terraform).
pub fn level_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Option<Level> {
    let non_empty = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
    let value = non_empty(ENV_LOG_PROVIDER).or_else(|| non_empty(ENV_LOG))?;
    match value.trim().to_ascii_uppercase().as_str() {
        "OFF" => None,
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" => Some(Level::ERROR),
        _ => Some(Level::TRACE),
    }
}

/// [`level_from_lookup`] over the process environment.
pub fn level_from_env() -> Option<Level> {
    level_from_lookup(|k| std::env::var(k).ok())
}

/// Installs an [`HclogLayer`] as the global `tracing` subscriber, at the level from the
/// environment. Returns the level, or `None` when logging is off (nothing is installed) or a
/// global subscriber was already set by someone else.
///
/// `module` is written as `@module`; events whose target starts with one of `own_targets`
/// (crate names) are logged up to the level, all others only up to `WARN`.
pub fn init_from_env(module: &str, own_targets: &[String]) -> Option<Level> {
    let level = level_from_env()?;
    let layer = own_targets
        .iter()
        .fold(HclogLayer::new(level).with_module(module), |l, t| {
            l.with_own_target(t.clone())
        });
    let subscriber = tracing_subscriber::registry().with(layer);
    tracing::subscriber::set_global_default(subscriber).ok()?;
    Some(level)
}

/// A `tracing` layer writing hclog-compatible JSON lines to stderr.
#[derive(Debug, Clone)]
pub struct HclogLayer {
    level: Level,
    dependency_level: Level,
    module: String,
    own_targets: Vec<String>,
}

impl HclogLayer {
    /// Logs our own events up to `level`; other crates' events only up to `WARN` (h2, hyper
    /// and tonic are very chatty at DEBUG/TRACE).
    pub fn new(level: Level) -> Self {
        Self {
            level,
            dependency_level: Level::WARN.min(level),
            module: DEFAULT_MODULE.to_owned(),
            own_targets: Vec::new(),
        }
    }

    /// Sets the `@module` value.
    pub fn with_module(mut self, module: impl Into<String>) -> Self {
        self.module = module.into();
        self
    }

    /// Sets the maximum level for events whose target is not one of ours.
    pub fn with_dependency_level(mut self, level: Level) -> Self {
        self.dependency_level = level.min(self.level);
        self
    }

    /// Adds a target prefix (crate or module path) treated as ours.
    pub fn with_own_target(mut self, target: impl Into<String>) -> Self {
        self.own_targets.push(target.into());
        self
    }

    fn is_own(&self, target: &str) -> bool {
        self.own_targets.iter().any(|p| {
            target
                .strip_prefix(p.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
        })
    }

    fn max_for(&self, target: &str) -> Level {
        if self.is_own(target) {
            self.level
        } else {
            self.dependency_level
        }
    }

    /// Formats one log line (without the newline) for the given pieces; used by
    /// [`Layer::on_event`] and handy for tests.
    fn format_line(
        &self,
        level: &Level,
        message: String,
        timestamp: String,
        fields: Map<String, Value>,
    ) -> String {
        let mut obj = Map::with_capacity(fields.len() + 4);
        obj.insert("@level".into(), Value::from(level_name(level)));
        obj.insert("@message".into(), Value::from(message));
        obj.insert("@module".into(), Value::from(self.module.as_str()));
        obj.insert("@timestamp".into(), Value::from(timestamp));
        for (k, v) in fields {
            if !k.starts_with('@') {
                obj.insert(k, v);
            }
        }
        Value::Object(obj).to_string()
    }
}

/// hclog's name for a level.
pub fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// Span fields stored in the span's extensions.
struct SpanFields(Map<String, Value>);

impl<S> Layer<S> for HclogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        *metadata.level() <= self.max_for(metadata.target())
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::from_level(self.level))
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut visitor = JsonVisitor::default();
        attrs.record(&mut visitor);
        span.extensions_mut().insert(SpanFields(visitor.fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut visitor = JsonVisitor::default();
        values.record(&mut visitor);
        let mut ext = span.extensions_mut();
        match ext.get_mut::<SpanFields>() {
            Some(SpanFields(map)) => map.extend(visitor.fields),
            None => ext.insert(SpanFields(visitor.fields)),
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Map::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(map)) = span.extensions().get::<SpanFields>() {
                    fields.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        let mut visitor = JsonVisitor::default();
        event.record(&mut visitor);
        fields.extend(visitor.fields);
        let message = visitor.message.unwrap_or_default();
        let mut line = self.format_line(
            event.metadata().level(),
            message,
            format_timestamp(SystemTime::now()),
            fields,
        );
        line.push('\n');
        // One write per line so concurrent lines do not interleave; errors (closed stderr) are
        // deliberately ignored: logging must never take the provider down.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

/// Collects `tracing` fields as JSON values; `message` is kept apart.
#[derive(Default)]
struct JsonVisitor {
    message: Option<String>,
    fields: Map<String, Value>,
}

impl JsonVisitor {
    fn put(&mut self, field: &Field, value: Value) {
        let name = field.name();
        if name == "message" {
            self.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else if is_secret_name(name) {
            self.fields.insert(name.to_owned(), Value::from(REDACTED));
        } else {
            self.fields.insert(name.to_owned(), value);
        }
    }
}

impl Visit for JsonVisitor {
    fn record_f64(&mut self, field: &Field, value: f64) {
        let v = serde_json::Number::from_f64(value)
            .map(Value::Number)
            .unwrap_or_else(|| Value::from(value.to_string()));
        self.put(field, v);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::from(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::from(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, Value::from(value.to_string()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, Value::from(format!("{value:?}")));
    }
}

/// Whether a field name looks like it holds a secret (see the module docs).
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_NAME_PARTS.iter().any(|p| lower.contains(p))
}

/// Formats a time as hclog's `@timestamp`: UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
///
/// Times before 1970 are clamped to the epoch.
pub fn format_timestamp(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (year, month, day) = civil_from_days(secs / 86_400);
    let rem = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        since.subsec_micros()
    )
}

/// Proleptic Gregorian (year, month, day) of the day `days` after 1970-01-01.
///
/// Works in 400-year cycles (146 097 days) counted from 0000-03-01, so that the leap day is the
/// last day of each shifted year.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    const DAYS_0000_03_01_TO_EPOCH: u64 = 719_468;
    const DAYS_PER_400Y: u64 = 146_097;
    let z = days + DAYS_0000_03_01_TO_EPOCH;
    let cycle = z / DAYS_PER_400Y;
    let day_of_cycle = z % DAYS_PER_400Y; // 0..=146_096
    // Years into the cycle: remove the extra leap days (every 4y, not every 100y, every 400y).
    let year_of_cycle =
        (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36_524 - day_of_cycle / 146_096) / 365;
    let day_of_year =
        day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
    // Months from March; 153 days per 5 months (31,30,31,30,31).
    let shifted_month = (5 * day_of_year + 2) / 153; // 0 = March .. 11 = February
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = cycle * 400 + year_of_cycle + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Duration;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn levels() {
        assert_eq!(level_from_lookup(env(&[])), None);
        assert_eq!(level_from_lookup(env(&[("TF_LOG", "")])), None);
        assert_eq!(
            level_from_lookup(env(&[("TF_LOG", "debug")])),
            Some(Level::DEBUG)
        );
        assert_eq!(
            level_from_lookup(env(&[("TF_LOG", "JSON")])),
            Some(Level::TRACE)
        );
        assert_eq!(
            level_from_lookup(env(&[("TF_LOG", "bogus")])),
            Some(Level::TRACE)
        );
        assert_eq!(
            level_from_lookup(env(&[("TF_LOG", "trace"), ("TF_LOG_PROVIDER", "WARN")])),
            Some(Level::WARN)
        );
        assert_eq!(
            level_from_lookup(env(&[("TF_LOG", "trace"), ("TF_LOG_PROVIDER", "off")])),
            None
        );
        assert_eq!(
            level_from_lookup(env(&[("TF_LOG", "info"), ("TF_LOG_PROVIDER", " ")])),
            Some(Level::INFO)
        );
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(951_782_400 / 86_400), (2000, 2, 29));
        assert_eq!(civil_from_days(951_868_800 / 86_400), (2000, 3, 1));
        assert_eq!(civil_from_days(1_709_164_800 / 86_400), (2024, 2, 29));
        assert_eq!(civil_from_days(4_102_444_800 / 86_400), (2100, 1, 1));
        assert_eq!(civil_from_days(4_107_542_400 / 86_400), (2100, 3, 1));
        assert_eq!(civil_from_days(1_798_675_200 / 86_400), (2026, 12, 31));
    }

    #[test]
    fn timestamps() {
        let t = UNIX_EPOCH + Duration::new(1_795_901_834, 123_456_789);
        assert_eq!(format_timestamp(t), "2026-11-28T21:37:14.123456Z");
        assert_eq!(format_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
    }

    #[test]
    fn line_shape() {
        let layer = HclogLayer::new(Level::DEBUG).with_module("example");
        let mut fields = Map::new();
        fields.insert("tf_rpc".into(), Value::from("ConfigureProvider"));
        fields.insert("@level".into(), Value::from("bogus"));
        let line = layer.format_line(
            &Level::INFO,
            "hello \"x\"".into(),
            "2026-11-28T21:37:14.123456Z".into(),
            fields,
        );
        assert_eq!(
            line,
            r#"{"@level":"info","@message":"hello \"x\"","@module":"example","@timestamp":"2026-11-28T21:37:14.123456Z","tf_rpc":"ConfigureProvider"}"#
        );
    }

    #[test]
    fn targets_and_secrets() {
        let layer = HclogLayer::new(Level::TRACE)
            .with_own_target("mylib")
            .with_own_target("terraform_provider_x");
        assert_eq!(layer.max_for("mylib::protocol::server"), Level::TRACE);
        assert_eq!(layer.max_for("mylib"), Level::TRACE);
        assert_eq!(layer.max_for("terraform_provider_x"), Level::TRACE);
        assert_eq!(layer.max_for("mylibx"), Level::WARN);
        assert_eq!(layer.max_for("h2::codec"), Level::WARN);
        assert_eq!(HclogLayer::new(Level::ERROR).max_for("h2"), Level::ERROR);
        assert!(is_secret_name("cloud_secret_key"));
        assert!(is_secret_name("AccessKey"));
        assert!(is_secret_name("private_key_pem"));
        assert!(!is_secret_name("tf_rpc"));
    }
}
