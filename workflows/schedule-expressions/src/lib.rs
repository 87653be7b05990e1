//! EventBridge Scheduler schedule expressions and the schedule files in `schedules/`.
//!
//! `rate(5 minutes)`, `cron(0/15 * * * ? *)` and `at(2026-01-01T00:00:00)` are parsed with
//! EventBridge's rules (six cron fields, day-of-week 1-7 = SUN-SAT, `?` in one of the two day
//! fields) so a schedule that runs locally also deploys. All times are UTC.

mod cron;
mod expression;
mod schedule_file;

pub use cron::CronExpression;
pub use expression::{ExpressionError, ScheduleExpression};
pub use schedule_file::{ScheduleDefinition, ScheduleFileError, ScheduleTarget, load_dir};
