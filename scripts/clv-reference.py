#!/usr/bin/env python3
"""Reference figures for Hearth's customer-lifetime-value models, computed with `lifetimes`.

Hearth's BG/NBD and Gamma-Gamma code (crates/hearth-core/src/analytics/clv/) is a port of the
Python `lifetimes` package (0.11.3). This script fits lifetimes on the CDNOW fixtures in
crates/hearth-core/tests/fixtures/cdnow/ and writes reference.json next to them; the Rust tests
compare against that file. High-precision values of 2F1 (and of the conditional expectation
where scipy's hyp2f1 is not trustworthy) come from mpmath.

Setup (lifetimes 0.11.3 does not import with numpy 2 / pandas 2.1+), outside the repo:
    python3 -m venv /tmp/venv-clv
    /tmp/venv-clv/bin/pip install "numpy<2" "pandas<2.1" "scipy<1.12" lifetimes==0.11.3 mpmath
Usage:
    /tmp/venv-clv/bin/python scripts/clv-reference.py            # write reference.json
    /tmp/venv-clv/bin/python scripts/clv-reference.py --bench 9  # time lifetimes' two fits
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import mpmath
import numpy as np
import pandas as pd
import scipy
import lifetimes
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data
from scipy.special import hyp2f1

FIXTURES = Path(__file__).resolve().parent.parent / "crates/hearth-core/tests/fixtures/cdnow"

# Customers whose predictions are pinned: ordinary ones, zero repeaters, the heaviest buyers
# (157, 325, 1516), customers whose last purchase is at T (59, 495) and the cheapest (1863).
WEEKLY_IDS = [1, 2, 3, 10, 18, 59, 100, 157, 325, 495, 1000, 1516, 1863, 2357]


def load_weekly():
    summary = pd.read_csv(FIXTURES / "cdnow_customers_summary.csv", index_col=0)
    money = pd.read_csv(FIXTURES / "cdnow_customers_summary_with_transactions.csv", index_col=0)
    money.columns = ["frequency", "recency", "T", "monetary_value"]
    if not (summary.values == money[["frequency", "recency", "T"]].values).all():
        sys.exit("the two CDNOW summaries disagree on frequency/recency/T")
    return summary, money


def load_daily_transactions():
    # CDNOW_sample.txt: master id, id (1..2357, the summaries' ID), yyyymmdd, quantity, amount.
    tx = pd.read_csv(
        FIXTURES / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "id", "date", "quantity", "amount"],
        dtype={"date": str},
    )
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return tx


def ll_sum(params, frequency, recency, T):
    """Log-likelihood summed over customers, on the data's own time unit (FHL 2005's figure)."""
    n = len(frequency)
    nll = BetaGeoFitter._negative_log_likelihood(
        np.log(np.asarray(params, dtype=float)),
        np.asarray(frequency).astype(int),
        np.asarray(recency, dtype=float),
        np.asarray(T, dtype=float),
        np.ones(n),
        0.0,
    )
    return float(-nll * n)


def gg_ll_sum(params, frequency, monetary):
    n = len(frequency)
    nll = GammaGammaFitter._negative_log_likelihood(
        np.log(np.asarray(params, dtype=float)),
        np.asarray(frequency, dtype=float),
        np.asarray(monetary, dtype=float),
        np.ones(n),
        0.0,
    )
    return float(-nll * n)


def bgnbd_block(bgf, data, ids, horizons):
    r, alpha, a, b = (float(bgf.params_[k]) for k in ("r", "alpha", "a", "b"))
    rows = []
    for cid in ids:
        c = data.loc[cid]
        row = {
            "id": int(cid),
            "frequency": float(c["frequency"]),
            "recency": float(c["recency"]),
            "T": float(c["T"]),
            "p_alive": float(
                bgf.conditional_probability_alive(c["frequency"], c["recency"], c["T"])[0]
            ),
            "expected_purchases": {
                str(t): float(
                    bgf.conditional_expected_number_of_purchases_up_to_time(
                        t, c["frequency"], c["recency"], c["T"]
                    )
                )
                for t in horizons
            },
        }
        rows.append(row)
    return {
        "r": r,
        "alpha": alpha,
        "a": a,
        "b": b,
        "objective": float(bgf._negative_log_likelihood_),
        "log_likelihood": ll_sum((r, alpha, a, b), data["frequency"], data["recency"], data["T"]),
        "customers": rows,
    }


def gg_block(ggf, bgf, data, ids, clv_cases):
    p, q, v = (float(ggf.params_[k]) for k in ("p", "q", "v"))
    repeaters = data[data["frequency"] > 0]
    rows = []
    for cid in ids:
        c = data.loc[[cid]]
        row = {
            "id": int(cid),
            "frequency": float(c["frequency"].iloc[0]),
            "recency": float(c["recency"].iloc[0]),
            "T": float(c["T"].iloc[0]),
            "monetary_value": float(c["monetary_value"].iloc[0]),
            "expected_average_profit": float(
                ggf.conditional_expected_average_profit(c["frequency"], c["monetary_value"]).iloc[0]
            ),
            "clv": [],
        }
        for case in clv_cases:
            value = ggf.customer_lifetime_value(
                bgf,
                c["frequency"],
                c["recency"],
                c["T"],
                c["monetary_value"],
                time=case["time"],
                discount_rate=case["discount_rate"],
                freq=case["freq"],
            ).iloc[0]
            row["clv"].append(dict(case, value=float(value)))
        rows.append(row)
    return {
        "p": p,
        "q": q,
        "v": v,
        "objective": float(ggf._negative_log_likelihood_),
        "log_likelihood": gg_ll_sum((p, q, v), repeaters["frequency"], repeaters["monetary_value"]),
        "n": int(len(repeaters)),
        "customers": rows,
    }


def weekly_reference():
    summary, money = load_weekly()
    bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    bg = bgnbd_block(bgf, summary, WEEKLY_IDS, [1, 39, 52])
    bg["n"] = int(len(summary))
    bg["unconditional"] = {
        str(t): float(bgf.expected_number_of_purchases_up_to_time(t)) for t in [1, 10, 39, 52, 78]
    }

    penalized = BetaGeoFitter(penalizer_coef=0.1).fit(
        summary["frequency"], summary["recency"], summary["T"]
    )
    bg_pen = {
        "penalizer_coef": 0.1,
        **{k: float(penalized.params_[k]) for k in ("r", "alpha", "a", "b")},
        "objective": float(penalized._negative_log_likelihood_),
    }

    repeaters = money[money["frequency"] > 0]
    ggf = GammaGammaFitter().fit(repeaters["frequency"], repeaters["monetary_value"])
    clv_cases = [
        {"time": 12, "discount_rate": 0.01, "freq": "W"},
        {"time": 3, "discount_rate": 0.05, "freq": "W"},
    ]
    gg = gg_block(ggf, bgf, money, WEEKLY_IDS, clv_cases)

    gg_pen = GammaGammaFitter(penalizer_coef=0.01).fit(
        repeaters["frequency"], repeaters["monetary_value"]
    )
    gg_penalized = {
        "penalizer_coef": 0.01,
        **{k: float(gg_pen.params_[k]) for k in ("p", "q", "v")},
        "objective": float(gg_pen._negative_log_likelihood_),
    }
    return {
        "bgnbd": bg,
        "bgnbd_penalized": bg_pen,
        "gamma_gamma": gg,
        "gamma_gamma_penalized": gg_penalized,
    }


def daily_reference():
    tx = load_daily_transactions()
    as_of = "1997-09-30"
    summary = summary_data_from_transaction_data(
        tx, "id", "date", monetary_value_col="amount", observation_period_end=as_of, freq="D"
    )
    # Customers with several orders on one day (merged by the summary) and a few others.
    per_day = tx[tx["date"] <= as_of].groupby(["id", "date"]).size()
    same_day = sorted({int(i) for i, _ in per_day[per_day > 1].index})[:6]
    ids = sorted(set(same_day + [1, 2, 3, 157, 1516, 2357]))
    customers = [
        {
            "id": int(cid),
            "frequency": float(summary.loc[cid, "frequency"]),
            "recency": float(summary.loc[cid, "recency"]),
            "T": float(summary.loc[cid, "T"]),
            "monetary_value": float(summary.loc[cid, "monetary_value"]),
        }
        for cid in ids
    ]
    totals = {col: float(summary[col].sum()) for col in summary.columns}

    bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    bg = bgnbd_block(bgf, summary, ids, [30, 273, 365])
    # Zero monetary values exist in CDNOW (free items); the Gamma-Gamma model needs m > 0.
    repeaters = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    ggf = GammaGammaFitter().fit(repeaters["frequency"], repeaters["monetary_value"])
    gg = gg_block(
        ggf, bgf, summary, ids, [{"time": 12, "discount_rate": 0.01, "freq": "D"}]
    )
    gg["n"] = int(len(repeaters))
    return {
        "as_of": as_of,
        "summary": {"n": int(len(summary)), "totals": totals, "customers": customers},
        "bgnbd": bg,
        "gamma_gamma": gg,
    }


def hyp2f1_reference(weekly):
    """2F1 points: the expected-purchases arguments over a range of x and z, and closed forms."""
    mpmath.mp.dps = 40
    bg = weekly["bgnbd"]
    r, a, b = bg["r"], bg["a"], bg["b"]
    points = []
    for x in [0, 1, 2, 7, 29, 100, 400]:
        for z in [0.0, 0.1, 0.5, 0.75, 0.9, 0.99, 0.999, 0.999999]:
            points.append((r + x, b + x, a + b + x - 1, z))
            # The Euler-transformed parameters Hearth evaluates instead.
            points.append((a + b - 1 - r, a - 1, a + b + x - 1, z))
    points += [
        (1.0, 1.0, 2.0, 0.5),
        (0.5, 0.5, 1.5, 0.25),
        (2.5, 1.5, 3.0, 0.95),
        (1.5, 2.5, 4.0, -0.5),
        (1.5, 2.5, 4.0, -3.0),
        (3.0, -2.0, 1.5, 0.7),
        (0.3, 0.7, 1.0, 0.97),  # c - a - b = 0: the degenerate connection case
        (0.25, 0.75, 3.0, 0.995),  # c - a - b = 2
        (10.0, 12.0, 3.5, 0.3),
    ]
    out = []
    for pa, pb, pc, z in points:
        exact = mpmath.hyp2f1(pa, pb, pc, z)
        value, theirs = float(exact), float(hyp2f1(pa, pb, pc, z))
        out.append(
            {
                "a": pa,
                "b": pb,
                "c": pc,
                "z": z,
                # null where the value overflows a double (JSON has no infinity).
                "value": value if np.isfinite(value) else None,
                "ln_abs": float(mpmath.log(abs(exact))),
                "scipy": theirs if np.isfinite(theirs) else None,
            }
        )
    return out


def extreme_expectations(weekly):
    """Conditional expected purchases far outside CDNOW's range, at 40 digits."""
    mpmath.mp.dps = 40
    bg = weekly["bgnbd"]
    r, alpha, a, b = (mpmath.mpf(bg[k]) for k in ("r", "alpha", "a", "b"))
    cases = [
        (0, 0.0, 0.5, 520.0),
        (0, 0.0, 1.0, 5200.0),
        (1, 0.5, 1.0, 1000.0),
        (3, 2.0, 2.0, 52.0),
        (40, 38.0, 39.0, 52.0),
        (150, 300.0, 310.0, 520.0),
        (400, 50.0, 52.0, 10.0),
        (30, 10.0, 39.0, 5000.0),
        (200, 50.0, 52.0, 2000.0),
    ]
    out = []
    for x, rec, T, t in cases:
        x_, rec_, T_, t_ = (mpmath.mpf(v) for v in (x, rec, T, t))
        z = t_ / (alpha + T_ + t_)
        hyp = mpmath.hyp2f1(r + x_, b + x_, a + b + x_ - 1, z)
        first = (a + b + x_ - 1) / (a - 1)
        second = 1 - hyp * ((alpha + T_) / (alpha + t_ + T_)) ** (r + x_)
        denom = 1 + (1 if x > 0 else 0) * (a / (b + x_ - 1)) * ((alpha + T_) / (alpha + rec_)) ** (
            r + x_
        )
        out.append(
            {"frequency": x, "recency": rec, "T": T, "t": t, "value": float(first * second / denom)}
        )
    return out


def literature():
    return {
        "bgnbd": {
            "source": "Fader, Hardie & Lee (2005), Marketing Science 24(2), CDNOW 1/10th sample",
            "r": 0.243,
            "alpha": 4.414,
            "a": 0.793,
            "b": 2.426,
            "log_likelihood": -9582.4,
        },
        "gamma_gamma": {
            "source": "Fader & Hardie (2013), The Gamma-Gamma Model of Monetary Value (note 025); "
            "lifetimes docs; LL as in CLVTools' test_correctness_gg.R",
            "p": 6.25,
            "q": 3.74,
            "v": 15.44,
            "log_likelihood": -4055.9177,
        },
    }


def bench(runs):
    summary, money = load_weekly()
    repeaters = money[money["frequency"] > 0]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
        GammaGammaFitter().fit(repeaters["frequency"], repeaters["monetary_value"])
        times.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "runs": runs,
                "median_ms": statistics.median(times) * 1e3,
                "min_ms": min(times) * 1e3,
                "all_ms": [round(t * 1e3, 3) for t in times],
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FIXTURES / "reference.json")
    parser.add_argument("--bench", type=int, metavar="RUNS", help="time the fits instead")
    args = parser.parse_args()
    if args.bench:
        bench(args.bench)
        return
    weekly = weekly_reference()
    reference = {
        "generator": "scripts/clv-reference.py",
        "versions": {
            "lifetimes": lifetimes.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "pandas": pd.__version__,
            "mpmath": mpmath.__version__,
        },
        "literature": literature(),
        "weekly": weekly,
        "daily": daily_reference(),
        "hyp2f1": hyp2f1_reference(weekly),
        "extreme_expected_purchases": extreme_expectations(weekly),
    }
    args.out.write_text(json.dumps(reference, indent=1) + "\n")


if __name__ == "__main__":
    main()
