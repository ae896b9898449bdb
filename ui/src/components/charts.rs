//! Charts drawn as SVG from Rust (no chart library): a contact's sentiment and spend over
//! time, and the business's interactions per channel per week.

use hearth_types::{ContactSeries, WeeklyActivity};
use yew::prelude::*;

use super::format;
use super::timeline::channel_label;
use crate::api;
use crate::hooks::{use_load, Load};
use crate::state::charts::{cumulative, line, rolling_mean, stacked, Frame};

const W: f64 = 320.0;
const H: f64 = 110.0;
const FRAME: Frame = Frame::new(34.0, 8.0, 278.0, 78.0);

fn day(ms: i64) -> String {
    format::time(ms)
        .split(',')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn axis(from: i64, to: i64) -> Html {
    html! {
        <>
            <line x1={FRAME.left.to_string()} y1={(FRAME.top + FRAME.height).to_string()}
                x2={(FRAME.left + FRAME.width).to_string()} y2={(FRAME.top + FRAME.height).to_string()} class="axis" />
            <text x={FRAME.left.to_string()} y={(H - 6.0).to_string()} class="tick">{ day(from) }</text>
            <text x={(FRAME.left + FRAME.width).to_string()} y={(H - 6.0).to_string()} class="tick end">{ day(to) }</text>
        </>
    }
}

/// Sentiment of their own words over time, -1 to 1, with the neutral line.
fn sentiment_chart(s: &ContactSeries) -> Html {
    let points: Vec<(i64, f64)> = s.sentiment.iter().map(|p| (p.at, p.value)).collect();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return html! {};
    };
    let zero = FRAME.y(0.0, -1.0, 1.0);
    let (from, to) = (first.0, last.0.max(first.0 + 1));
    html! {
        <figure class="chart" id="chart-sentiment" data-points={points.len().to_string()}>
            <figcaption>{ "Sentiment over time" }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label="Sentiment over time">
                <text x="2" y={(FRAME.top + 8.0).to_string()} class="tick">{ "+1" }</text>
                <text x="2" y={(FRAME.top + FRAME.height).to_string()} class="tick">{ "−1" }</text>
                <line x1={FRAME.left.to_string()} y1={zero.to_string()} x2={(FRAME.left + FRAME.width).to_string()}
                    y2={zero.to_string()} class="zero" />
                <path d={line(&rolling_mean(&points, 7), FRAME, -1.0, 1.0)} class="series sentiment">
                    <title>{ "Trend: the mean of each score and the six before it" }</title>
                </path>
                { for points.iter().map(|(at, v)| html! {
                    <circle cx={format!("{:.1}", FRAME.x(*at, from, to))} cy={format!("{:.1}", FRAME.y(*v, -1.0, 1.0))} r="2"
                        class={if *v >= 0.05 { "dot pos" } else if *v <= -0.05 { "dot neg" } else { "dot" }}>
                        <title>{ format!("{} · {v:+.2}", format::time(*at)) }</title>
                    </circle>
                }) }
                { axis(from, to) }
            </svg>
        </figure>
    }
}

/// Spend over time: the running total (lifetime value) and each order as a dot.
fn orders_chart(s: &ContactSeries) -> Html {
    let orders: Vec<(i64, f64)> = s.orders.iter().map(|p| (p.at, p.value)).collect();
    let (Some(first), Some(last)) = (orders.first(), orders.last()) else {
        return html! {};
    };
    let currency = s.currency.clone().unwrap_or_default();
    let total = cumulative(&orders);
    let hi = total.last().map_or(1.0, |t| t.1).max(1.0);
    let (from, to) = (first.0, last.0.max(first.0 + 1));
    html! {
        <figure class="chart" id="chart-orders" data-points={orders.len().to_string()}>
            <figcaption>{ format!("Orders and lifetime value ({currency})") }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label="Orders and lifetime value over time">
                <text x="2" y={(FRAME.top + 8.0).to_string()} class="tick">{ format::money(hi as i64, &currency) }</text>
                <path d={line(&total, FRAME, 0.0, hi)} class="series ltv" />
                { for orders.iter().zip(&total).map(|((at, v), (_, running))| html! {
                    <circle cx={format!("{:.1}", FRAME.x(*at, from, to))} cy={format!("{:.1}", FRAME.y(*running, 0.0, hi))} r="2.5" class="dot order">
                        <title>{ format!("{} · {}", format::time(*at), format::money(*v as i64, &currency)) }</title>
                    </circle>
                }) }
                { axis(from, to) }
            </svg>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct ContactChartsProps {
    pub id: i64,
}

/// The profile's charts, each shown when its data exists.
#[function_component(ContactCharts)]
pub fn contact_charts(props: &ContactChartsProps) -> Html {
    match use_load(props.id, api::contact_series) {
        Load::Ready(s) if !s.sentiment.is_empty() || !s.orders.is_empty() => html! {
            <div class="charts" id="profile-charts">
                { sentiment_chart(&s) }
                { orders_chart(&s) }
            </div>
        },
        _ => html! {},
    }
}

/// Interactions per channel per week: stacked bars with a legend.
fn activity_chart(a: &WeeklyActivity) -> Html {
    let series: Vec<Vec<u32>> = a.channels.iter().map(|c| c.counts.clone()).collect();
    let (segments, max) = stacked(&series, FRAME);
    let (Some(from), Some(to)) = (a.week_starts.first(), a.week_starts.last()) else {
        return html! {};
    };
    html! {
        <figure class="chart wide" id="chart-activity" data-max={max.to_string()}>
            <figcaption>{ format!("Interactions per week, last {} weeks", a.week_starts.len()) }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label="Interactions per channel per week">
                <text x="2" y={(FRAME.top + 8.0).to_string()} class="tick">{ max }</text>
                { for segments.iter().map(|s| {
                    let channel = a.channels[s.series].channel;
                    html! {
                        <rect x={format!("{:.1}", s.x)} y={format!("{:.1}", s.y)} width={format!("{:.1}", s.width)}
                            height={format!("{:.1}", s.height)} class={format!("seg ch-{}", channel.as_str())}
                            data-channel={channel.as_str()} data-week={s.week.to_string()}>
                            <title>{ format!("Week of {}: {} {}", day(a.week_starts[s.week]), s.count, channel_label(channel)) }</title>
                        </rect>
                    }
                }) }
                { axis(*from, *to) }
            </svg>
            <ul class="legend">
                { for a.channels.iter().map(|c| html! {
                    <li><span class={format!("swatch ch-{}", c.channel.as_str())}></span>
                        { format!("{} {}", channel_label(c.channel), c.counts.iter().sum::<u32>()) }</li>
                }) }
            </ul>
        </figure>
    }
}

/// The business at a glance, above the business-wide timeline.
#[function_component(ActivityChart)]
pub fn activity() -> Html {
    match use_load((), |_| api::weekly_activity()) {
        Load::Ready(a) if !a.channels.is_empty() => html! {
            <details class="dashboard" id="dashboard" open=true>
                <summary>{ "Activity" }</summary>
                { activity_chart(&a) }
            </details>
        },
        _ => html! {},
    }
}
