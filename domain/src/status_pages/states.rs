//! What a status page says: a monitor's status as a component state, a
//! group's state from its members, the page's from its components. Pure.

use kinds::{ComponentState, Status};

/// A monitor component's state from its monitor's status. A paused monitor
/// is `no_data`: nobody is checking, so the page must not claim it works
/// (decision 105). Unknown (never checked, or not yet confirmed) is
/// `no_data` too, never operational.
pub fn of_monitor(status: Option<Status>) -> ComponentState {
    match status {
        Some(Status::Up) => ComponentState::Operational,
        Some(Status::Degraded) => ComponentState::Degraded,
        Some(Status::Down) => ComponentState::MajorOutage,
        Some(Status::Paused | Status::Unknown) | None => ComponentState::NoData,
    }
}

/// The state of several components together (a group's members, a page's
/// components): the worst of them, where "down" is a major outage only when
/// everything with data is down and a partial outage otherwise. Components
/// without data do not count unless nothing has any.
pub fn combined(states: impl IntoIterator<Item = ComponentState>) -> ComponentState {
    let known: Vec<ComponentState> =
        states.into_iter().filter(|s| *s != ComponentState::NoData).collect();
    let any = |wanted: ComponentState| known.contains(&wanted);
    if known.is_empty() {
        ComponentState::NoData
    } else if known.iter().all(|s| *s == ComponentState::MajorOutage) {
        ComponentState::MajorOutage
    } else if any(ComponentState::MajorOutage) || any(ComponentState::PartialOutage) {
        ComponentState::PartialOutage
    } else if any(ComponentState::Degraded) {
        ComponentState::Degraded
    } else if any(ComponentState::Maintenance) {
        ComponentState::Maintenance
    } else {
        ComponentState::Operational
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComponentState::*;

    #[test]
    fn a_monitor_never_checked_or_paused_has_no_data() {
        assert_eq!(of_monitor(Some(Status::Up)), Operational);
        assert_eq!(of_monitor(Some(Status::Degraded)), Degraded);
        assert_eq!(of_monitor(Some(Status::Down)), MajorOutage);
        assert_eq!(of_monitor(Some(Status::Unknown)), NoData);
        assert_eq!(of_monitor(Some(Status::Paused)), NoData);
        assert_eq!(of_monitor(None), NoData);
    }

    #[test]
    fn a_group_is_its_worst_member_and_partly_down_when_some_are_down() {
        assert_eq!(combined([Operational, Degraded]), Degraded);
        assert_eq!(combined([Operational, MajorOutage]), PartialOutage);
        assert_eq!(combined([MajorOutage, MajorOutage]), MajorOutage);
        assert_eq!(combined([MajorOutage, NoData]), MajorOutage);
        assert_eq!(combined([PartialOutage, Operational]), PartialOutage);
        assert_eq!(combined([Degraded, PartialOutage]), PartialOutage);
        assert_eq!(combined([Maintenance, Operational]), Maintenance);
        assert_eq!(combined([Operational, NoData]), Operational);
        assert_eq!(combined([NoData, NoData]), NoData);
        assert_eq!(combined([]), NoData);
    }
}
