//! The words of status pages, shared by the API, the domain and the UI.

use crate::macros::words;
// Named by the `db_type` the `db` feature's derive expands.
#[cfg(feature = "db")]
use sea_orm::sea_query::StringLen;

words! {
    /// What one entry of a status page is.
    ComponentKind, "monitor, static or group" {
        /// A monitor shown under a public name; its state follows the monitor.
        Monitor = "monitor",
        /// A component whose state is set by hand.
        Static = "static",
        /// A heading over monitor and static components; its state is its worst member's.
        Group = "group",
    }
}

words! {
    /// What a status page says about a component, a group or the whole page.
    ComponentState, "operational, degraded, partial_outage, major_outage, maintenance or no_data" {
        Operational = "operational",
        /// Answering, but slowly or with warnings.
        Degraded = "degraded",
        /// Some of a group's members are down, not all.
        PartialOutage = "partial_outage",
        MajorOutage = "major_outage",
        Maintenance = "maintenance",
        /// Nothing to say: never checked, or paused.
        NoData = "no_data",
    }
}

words! {
    /// A status page's colours.
    PageTheme, "light, dark or auto" {
        Light = "light",
        Dark = "dark",
        /// The visitor's preference.
        Auto = "auto",
    }
}

words! {
    /// Where a public incident stands, as the people narrating it say.
    IncidentPhase, "investigating, identified, monitoring or resolved" {
        /// Something is wrong; the cause is not known yet.
        Investigating = "investigating",
        /// The cause is known; a fix is under way.
        Identified = "identified",
        /// A fix is in; watching that it holds.
        Monitoring = "monitoring",
        Resolved = "resolved",
    }
}

words! {
    /// Whether the public sees a public incident.
    PublicIncidentState, "draft, published or discarded" {
        /// Written (by a person or from a monitor's incident) but not shown yet.
        Draft = "draft",
        /// Shown on the page and in its feeds.
        Published = "published",
        /// Never to be shown (a draft nobody wanted, or one taken down).
        Discarded = "discarded",
    }
}

words! {
    /// How badly a public incident affects one component.
    ComponentImpact, "degraded, partial_outage or major_outage" {
        Degraded = "degraded",
        PartialOutage = "partial_outage",
        MajorOutage = "major_outage",
    }
}

words! {
    /// How a visitor follows a status page.
    SubscriberKind, "email or webhook" {
        /// Mails to one address, after it confirmed (double opt-in).
        Email = "email",
        /// Signed JSON posts to one URL, after a test delivery was answered 2xx.
        Webhook = "webhook",
    }
}

words! {
    /// Where a subscription stands.
    SubscriberState, "pending, active or unsubscribed" {
        /// Waiting for its address to confirm; receives nothing else.
        Pending = "pending",
        /// Receives the page's notices.
        Active = "active",
        /// Left by its subscriber (or removed); receives nothing.
        Unsubscribed = "unsubscribed",
    }
}

words! {
    /// What a status page tells its subscribers about.
    PageEventKind, "incident_published, incident_updated, incident_resolved, maintenance_scheduled, maintenance_started or maintenance_ended" {
        IncidentPublished = "incident_published",
        /// An update posted on a published incident.
        IncidentUpdated = "incident_updated",
        /// An update in the `resolved` phase.
        IncidentResolved = "incident_resolved",
        MaintenanceScheduled = "maintenance_scheduled",
        MaintenanceStarted = "maintenance_started",
        MaintenanceEnded = "maintenance_ended",
    }
}

/// A new page follows its visitor's preference.
impl Default for PageTheme {
    fn default() -> Self {
        Self::Auto
    }
}
