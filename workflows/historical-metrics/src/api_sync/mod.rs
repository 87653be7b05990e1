//! The scheduled GetMetricDataV2 sync (owned by the API-sync work).
