//! Historical queue and agent metrics end to end: the GetMetricDataV2 sync (api_sync); the
//! reports import joins when its tests land.

mod api_sync;
