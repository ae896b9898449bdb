//! Series for the charts: a contact's sentiment and orders over time, and the business's
//! interactions per channel per week.

use serde::{Deserialize, Serialize};

use crate::Channel;

/// One value at one time (UTC ms).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub at: i64,
    pub value: f64,
}

/// What a contact's profile charts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactSeries {
    /// VADER compound of each scored interaction in their own words, oldest first.
    pub sentiment: Vec<Point>,
    /// Each order's total in minor units (the main currency only), oldest first.
    pub orders: Vec<Point>,
    pub currency: Option<String>,
}

/// One channel's interactions per week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelWeeks {
    pub channel: Channel,
    pub counts: Vec<u32>,
}

/// Interactions per channel per week, the newest week last.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyActivity {
    /// The start of each week (Monday 00:00 UTC), oldest first.
    pub week_starts: Vec<i64>,
    pub channels: Vec<ChannelWeeks>,
}
