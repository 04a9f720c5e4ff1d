//! CloudWatch's metric units, as Powertools' `MetricUnit` names them.

use super::MetricError;

/// Each unit as `(Powertools' MetricUnit member, CloudWatch's name)`.
const UNITS: [(&str, &str); 27] = [
    ("Seconds", "Seconds"),
    ("Microseconds", "Microseconds"),
    ("Milliseconds", "Milliseconds"),
    ("Bytes", "Bytes"),
    ("Kilobytes", "Kilobytes"),
    ("Megabytes", "Megabytes"),
    ("Gigabytes", "Gigabytes"),
    ("Terabytes", "Terabytes"),
    ("Bits", "Bits"),
    ("Kilobits", "Kilobits"),
    ("Megabits", "Megabits"),
    ("Gigabits", "Gigabits"),
    ("Terabits", "Terabits"),
    ("Percent", "Percent"),
    ("Count", "Count"),
    ("BytesPerSecond", "Bytes/Second"),
    ("KilobytesPerSecond", "Kilobytes/Second"),
    ("MegabytesPerSecond", "Megabytes/Second"),
    ("GigabytesPerSecond", "Gigabytes/Second"),
    ("TerabytesPerSecond", "Terabytes/Second"),
    ("BitsPerSecond", "Bits/Second"),
    ("KilobitsPerSecond", "Kilobits/Second"),
    ("MegabitsPerSecond", "Megabits/Second"),
    ("GigabitsPerSecond", "Gigabits/Second"),
    ("TerabitsPerSecond", "Terabits/Second"),
    ("CountPerSecond", "Count/Second"),
    ("NoUnit", "None"),
];

/// A CloudWatch unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unit(usize);

impl Unit {
    /// A unit by CloudWatch's name (`Count/Second`) or Powertools' member (`CountPerSecond`),
    /// as `add_metric` takes either; anything else is Powertools' `MetricUnitError`.
    pub(crate) fn parse(name: &str) -> Result<Unit, MetricError> {
        UNITS
            .iter()
            .position(|(member, cloudwatch)| *member == name || *cloudwatch == name)
            .map(Unit)
            .ok_or_else(|| {
                let members: Vec<&str> = UNITS.iter().map(|(member, _)| *member).collect();
                MetricError(format!(
                    "Invalid metric unit '{name}', expected either option: {members:?}"
                ))
            })
    }

    /// CloudWatch's name.
    pub(crate) fn name(self) -> &'static str {
        UNITS[self.0].1
    }
}
