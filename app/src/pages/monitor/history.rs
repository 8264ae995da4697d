//! The monitor's incidents, with durations and timelines, and its
//! notifications with their delivery status.

use leptos::prelude::*;

use crate::components::EmptyState;
use crate::dto::{IncidentItem, NotificationItem};

/// Incidents, newest first.
#[component]
pub fn Incidents(incidents: Vec<IncidentItem>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="incidents-title" data-testid="incidents">
            <h2 id="incidents-title">"Incidents"</h2>
            {if incidents.is_empty() {
                view! { <EmptyState><p>"No incidents. Long may it last."</p></EmptyState> }.into_any()
            } else {
                view! {
                    <ol class="incidents">
                        {incidents.into_iter().map(|incident| view! { <Incident incident/> }).collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn Incident(incident: IncidentItem) -> impl IntoView {
    let state = if incident.is_active { "open" } else { "resolved" };
    view! {
        <li class=format!("incident incident-{state}") data-testid="incident" data-state=state>
            <div class="incident-head">
                <strong>{format!("Incident #{}", incident.number)}</strong>
                <span class=format!("pill pill-{state}")>{if incident.is_active { "Open" } else { "Resolved" }}</span>
                <span>
                    {if incident.is_active { "for " } else { "lasted " }}
                    <span data-testid="incident-duration">{incident.duration.clone()}</span>
                </span>
            </div>
            <p class="muted">
                "Started " <time datetime=incident.started.iso.clone()>{incident.started.text.clone()}</time>
                {incident.resolved.clone().map(|r| view! {
                    ", resolved " <time datetime=r.iso>{r.text}</time>
                })}
            </p>
            {(!incident.cause.is_empty()).then(|| view! { <p class="cause">{incident.cause.clone()}</p> })}
            <details>
                <summary>"Timeline"</summary>
                <ol class="timeline">
                    {incident
                        .timeline
                        .into_iter()
                        .map(|step| {
                            view! {
                                <li>
                                    <time datetime=step.at.iso>{step.at.text}</time>
                                    <span class="pill">{step.kind.as_str()}</span>
                                    <span>{step.message}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </details>
        </li>
    }
}

/// Notifications sent about the monitor, newest first.
#[component]
pub fn Notifications(notifications: Vec<NotificationItem>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="notifications-title">
            <h2 id="notifications-title">"Notifications"</h2>
            {if notifications.is_empty() {
                view! { <EmptyState><p>"No notifications sent yet."</p></EmptyState> }.into_any()
            } else {
                view! {
                    <table class="responsive">
                        <thead>
                            <tr>
                                <th scope="col">"Time"</th>
                                <th scope="col">"Event"</th>
                                <th scope="col">"Channel"</th>
                                <th scope="col">"Delivery"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {notifications.into_iter().map(|n| view! {
                                <tr data-testid="notification-row">
                                    <td data-label="Time"><time datetime=n.at.iso>{n.at.text}</time></td>
                                    <td data-label="Event">{n.event.as_str()}</td>
                                    <td data-label="Channel">{format!("{} · {}", n.channel, n.recipient)}</td>
                                    <td data-label="Delivery">
                                        <span class=format!("pill delivery-{}", n.delivery_status)>{n.delivery_status.as_str()}</span>
                                        {(n.attempts > 1).then(|| format!(" after {} attempts", n.attempts))}
                                        {n.last_error.map(|e| view! { <span class="error-text">{format!(" — {e}")}</span> })}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}
