//! Errors of the CLV models.
//!
//! Fits and predictions fail loudly instead of handing back NaN: a customer value the owner
//! acts on must never be silently made of garbage. Bad input names the offending customer (by
//! position in the slice given) and what is wrong with it, the way lifetimes' `_check_inputs`
//! does.

use std::fmt;

use super::special::SpecialError;

/// Which model an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// The BG/NBD purchase-count model.
    BgNbd,
    /// The Gamma-Gamma spend model.
    GammaGamma,
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Model::BgNbd => "BG/NBD",
            Model::GammaGamma => "Gamma-Gamma",
        })
    }
}

/// What is wrong with one customer's summary (or one prediction's arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputProblem {
    /// A value is NaN or infinite.
    NotFinite,
    /// The frequency is negative or not a whole number.
    BadFrequency,
    /// The recency is negative.
    NegativeRecency,
    /// The recency is larger than the age `T`.
    RecencyAfterAge,
    /// The frequency is 0 but the recency is not.
    RecencyWithoutRepeat,
    /// A repeat customer's monetary value is zero or negative (Gamma-Gamma needs spend > 0).
    NonPositiveMonetaryValue,
    /// A prediction horizon is negative.
    NegativeHorizon,
    /// A discount rate is -100% or below.
    BadDiscountRate,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputProblem::NotFinite => "a value is NaN or infinite",
            InputProblem::BadFrequency => "frequency must be a whole number >= 0",
            InputProblem::NegativeRecency => "recency is negative",
            InputProblem::RecencyAfterAge => "recency is larger than T",
            InputProblem::RecencyWithoutRepeat => "recency is non-zero but frequency is 0",
            InputProblem::NonPositiveMonetaryValue => "monetary value must be > 0",
            InputProblem::NegativeHorizon => "the horizon t is negative",
            InputProblem::BadDiscountRate => "the discount rate must be > -1",
        })
    }
}

/// Everything that can go wrong fitting or using a CLV model.
#[derive(Debug, thiserror::Error)]
pub enum ClvError {
    /// The fit was given no customers at all.
    #[error("cannot fit the {model} model: no customers")]
    NoCustomers {
        /// The model being fitted.
        model: Model,
    },
    /// Nobody bought twice, so purchase and drop-out rates cannot be told apart.
    #[error("cannot fit the {model} model: no customer has a repeat purchase")]
    NoRepeatPurchases {
        /// The model being fitted.
        model: Model,
    },
    /// Every customer's age `T` is 0, so there is no observation time to learn rates from.
    #[error("cannot fit the {model} model: every customer's age T is 0")]
    NoObservationTime {
        /// The model being fitted.
        model: Model,
    },
    /// One customer's summary is invalid.
    #[error("invalid customer #{index} for the {model} model: {problem}")]
    InvalidCustomer {
        /// The model being fitted.
        model: Model,
        /// Position of the customer in the data given.
        index: usize,
        /// What is wrong with it.
        problem: InputProblem,
    },
    /// The arguments of a prediction are invalid.
    #[error("invalid {model} prediction input: {problem}")]
    InvalidInput {
        /// The model predicting.
        model: Model,
        /// What is wrong with the arguments.
        problem: InputProblem,
    },
    /// A model parameter is not a finite positive number.
    #[error("invalid {model} parameter {name} = {value}: must be finite and > 0")]
    InvalidParameter {
        /// The model.
        model: Model,
        /// Parameter name, as in the literature (`r`, `alpha`, `a`, `b`, `p`, `q`, `v`).
        name: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A fit option is out of range.
    #[error("invalid fit option {name} = {value}")]
    InvalidOption {
        /// Option name.
        name: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The optimizer stopped before the gradient tolerance was met.
    #[error(
        "the {model} fit did not converge after {iterations} iterations \
         (gradient norm {gradient_norm:e})"
    )]
    NotConverged {
        /// The model being fitted.
        model: Model,
        /// BFGS iterations done.
        iterations: usize,
        /// Largest gradient component of the objective when it stopped.
        gradient_norm: f64,
    },
    /// The likelihood or a prediction became NaN or infinite.
    #[error("the {model} {what} is not a finite number")]
    NotFinite {
        /// The model.
        model: Model,
        /// What was being computed.
        what: &'static str,
    },
    /// The Gauss hypergeometric function could not be evaluated.
    #[error("cannot evaluate the {model} expected purchases")]
    Hypergeometric {
        /// The model.
        model: Model,
        /// Why 2F1 failed.
        #[source]
        source: SpecialError,
    },
}
