//! Customer intelligence as pure functions over numbers and text the store provides:
//! sentiment (an exact port of VADER, `vaderSentiment` 3.3.2, checked bit for bit against
//! Python, with the text helpers that decide what to score) and lifetime value (historic,
//! and predicted with BG/NBD + Gamma-Gamma, fitted per business by maximum likelihood and
//! checked against the `lifetimes` package on the CDNOW data).

pub mod clv;
pub mod contact_sentiment;
pub mod engagement;
pub mod facts;
pub mod intel;
pub mod journey;
pub mod lead;
pub mod ltv;
pub mod rescore;
pub mod score;
pub mod sentiment;
pub mod signals;
pub mod vader;
