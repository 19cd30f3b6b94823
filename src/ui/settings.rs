//! The observer's settings (seed, speed, arrivals, chaos, persistence): kept in the browser,
//! written into the page's URL, and read back from either, every value checked against its
//! control's range.

use crate::runtime::float_parse::parse_f64;
use crate::store::shopping::Persistence;

/// The observer's settings: they survive a reload and can be shared as a URL.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub seed: u64,
    /// Virtual time per wall time, 0.25 to 100.
    pub speed: f64,
    pub arrivals_per_minute: f64,
    pub chaos_per_minute: f64,
    pub persistence: Persistence,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seed: 4,
            speed: 1.0,
            arrivals_per_minute: 12.0,
            chaos_per_minute: 0.0,
            persistence: Persistence::None,
        }
    }
}

impl Settings {
    /// `seed=4&speed=1&arrivals=12&chaos=0&persistence=none`
    pub fn to_query(&self) -> String {
        format!(
            "seed={}&speed={}&arrivals={}&chaos={}&persistence={}",
            self.seed,
            self.speed,
            self.arrivals_per_minute,
            self.chaos_per_minute,
            match self.persistence {
                Persistence::None => "none",
                Persistence::Snapshot => "snapshot",
            }
        )
    }

    /// Reads a query string over these settings; unknown or malformed values are ignored.
    pub fn with_query(self, query: &str) -> Self {
        self.with_query_checked(query, "the address").0
    }

    /// Reads a query string over these settings. A value that is not a finite number inside
    /// its control's range (or not a known policy, or not a seed) is refused: the setting
    /// keeps its value, and a notice for the person says what was ignored (`source` says
    /// where it came from: "the address", "your saved settings").
    pub fn with_query_checked(mut self, query: &str, source: &str) -> (Self, Vec<String>) {
        let mut notices = Vec::new();
        let mut refuse = |key: &str, value: &str, rule: &str, kept: String| {
            let shown: String = value.chars().take(24).collect();
            notices.push(format!(
                "Ignored {key}={shown} from {source}: {rule}; using {kept}."
            ));
        };
        for pair in query.trim_start_matches('?').split('&') {
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            let number = |range: (f64, f64)| {
                parse_f64(v).filter(|x| x.is_finite() && *x >= range.0 && *x <= range.1)
            };
            match k {
                "seed" => match v.parse() {
                    Ok(x) => self.seed = x,
                    Err(_) => refuse(
                        k,
                        v,
                        "the seed is a whole number from 0",
                        self.seed.to_string(),
                    ),
                },
                "speed" => match number(SPEED_RANGE) {
                    Some(x) => self.speed = x,
                    None => refuse(
                        k,
                        v,
                        "speed is a number from 0.25 to 100",
                        format!("{}×", self.speed),
                    ),
                },
                "arrivals" => match number(ARRIVALS_RANGE) {
                    Some(x) => self.arrivals_per_minute = x,
                    None => refuse(
                        k,
                        v,
                        "arrivals are 0 to 600 customers a minute",
                        format!("{}/min", self.arrivals_per_minute),
                    ),
                },
                "chaos" => match number(CHAOS_RANGE) {
                    Some(x) => self.chaos_per_minute = x,
                    None => refuse(
                        k,
                        v,
                        "chaos is 0 to 60 kills a minute",
                        format!("{}/min", self.chaos_per_minute),
                    ),
                },
                "persistence" => match v {
                    "none" => self.persistence = Persistence::None,
                    "snapshot" => self.persistence = Persistence::Snapshot,
                    _ => refuse(
                        k,
                        v,
                        "persistence is none or snapshot",
                        self.persistence.to_term().to_string(),
                    ),
                },
                _ => {}
            }
        }
        (self, notices)
    }
}

/// The controls' own ranges: a setting outside them is never taken, from anywhere.
pub const SPEED_RANGE: (f64, f64) = (0.25, 100.0);
pub const ARRIVALS_RANGE: (f64, f64) = (0.0, 600.0);
pub const CHAOS_RANGE: (f64, f64) = (0.0, 60.0);

/// `x` within `range` (clamped), or `None` if it is not a number.
pub(crate) fn in_range(x: f64, range: (f64, f64)) -> Option<f64> {
    x.is_finite().then(|| x.clamp(range.0, range.1))
}
