//! One queue's `AC_QueueMetrics__c` record, as the old package wrote it.

use salesforce_client::records::Record;
use serde_json::json;

use crate::metrics::{QueueMetricValues, REALTIME_METRICS};
use crate::ports::Queue;
use crate::settings::RealtimeSettings;

/// The external id field.
pub const QUEUE_ID_FIELD: &str = "Queue_Id__c";
pub const REGION_FIELD: &str = "Region__c";

/// `Queue_Id__c`: the queue id, or `<queue id>-<region>` when the org's object has `Region__c`
/// or Global Resiliency is on (one record per queue and region).
pub fn queue_external_id(queue_id: &str, region: Option<&str>) -> String {
    match region {
        Some(region) => format!("{queue_id}-{region}"),
        None => queue_id.to_string(),
    }
}

/// Name, Queue_ARN, Queue_Id, the ten metric fields (0 for a metric Connect did not report)
/// and, when the object has it, Region.
pub fn queue_metrics_record(
    settings: &RealtimeSettings,
    queue: &Queue,
    values: &QueueMetricValues,
    object_has_region: bool,
) -> Record {
    let suffix =
        (object_has_region || settings.global_analytics).then_some(settings.region.as_str());
    let mut record = Record::new();
    record.insert("Name".into(), json!(queue.name));
    record.insert(settings.field("Queue_ARN__c"), json!(queue.arn));
    record.insert(
        settings.field(QUEUE_ID_FIELD),
        json!(queue_external_id(&queue.id, suffix)),
    );
    for metric in &REALTIME_METRICS {
        record.insert(settings.field(metric.field), json!(values.value(metric)));
    }
    if object_has_region {
        record.insert(settings.field(REGION_FIELD), json!(settings.region));
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;
    use salesforce_client::namespace::Namespace;

    fn settings() -> RealtimeSettings {
        RealtimeSettings {
            instance_id: "i".into(),
            queue_page_size: 100,
            metrics_page_size: 100,
            state_bucket: "b".into(),
            region: "us-west-2".into(),
            global_analytics: false,
            namespace: Namespace::parse("amazonconnect").expect("ns"),
            refresh_minutes: 5,
            api_budget_percent: 90,
        }
    }

    #[test]
    fn the_record_has_every_metric_and_the_region_only_when_the_object_does() {
        let queue = Queue {
            id: "q-1".into(),
            arn: "arn:q-1".into(),
            name: "Billing".into(),
        };
        let mut values = QueueMetricValues::default();
        values.add("OLDEST_CONTACT_AGE", 42.0);
        let plain = queue_metrics_record(&settings(), &queue, &values, false);
        assert_eq!(plain["amazonconnect__Queue_Id__c"], "q-1");
        assert_eq!(plain["amazonconnect__Oldest_Contact_Age__c"], 42.0);
        assert_eq!(plain["amazonconnect__Agents_Online__c"], 0.0);
        assert_eq!(plain.len(), 13, "Name, ARN, id and ten metrics");
        assert!(!plain.contains_key("amazonconnect__Region__c"));

        let regional = queue_metrics_record(&settings(), &queue, &values, true);
        assert_eq!(regional["amazonconnect__Queue_Id__c"], "q-1-us-west-2");
        assert_eq!(regional["amazonconnect__Region__c"], "us-west-2");

        let global = RealtimeSettings {
            global_analytics: true,
            ..settings()
        };
        let replicated = queue_metrics_record(&global, &queue, &values, false);
        assert_eq!(
            replicated["amazonconnect__Queue_Id__c"], "q-1-us-west-2",
            "each region's replica keeps its own record"
        );
        assert!(
            !replicated.contains_key("amazonconnect__Region__c"),
            "no field the object lacks"
        );
    }
}
