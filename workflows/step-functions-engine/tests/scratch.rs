use std::sync::Arc;
use step_functions_engine::*;
#[tokio::test]
async fn scratch() {
    for f in ["scenarios_test_base_scenarios__TestBaseScenarios__test_invalid_jsonpath_INVALID_JSONPATH_IN_ERRORPATH_0__8911c096.json", "assign_test_assign_reference_variables__TestAssignReferenceVariables__test_reference_assign_BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE_0__0694de0c.json"] {
    let case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(format!("/work/shared/asl-conformance/cases/{f}")).unwrap()).unwrap();
    let m = StateMachine::from_json(&case["definition"]).unwrap();
    let e = Engine::builder().clock(Arc::new(VirtualClock::new())).build();
    let r = e.run(&m, case["input"].clone(), ExecutionOptions::default()).await.unwrap();
    println!("{:?} {:?} {:?} {:?}", r.status, r.output, r.error, r.cause);
    for ev in &r.history { println!("{} {} {:?} {}", ev.id, ev.previous_event_id, ev.event_type, serde_json::to_string(&ev.details).unwrap()); }
    }
}
