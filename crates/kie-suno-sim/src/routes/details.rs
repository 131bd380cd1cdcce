//! The details (record-info) pipeline every family's `GET .../record-info` runs:
//! count, gate, `taskId`, the per-task poll limit, `[sim:slow]`, `[sim:poll-500]` and
//! `Faults::poll_500`, then the task's current record.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, MethodRouter};
use kie_suno_types::{ApiCode, CodeMeaning, Endpoint, TaskId};
use serde::Deserialize;

use super::envelope::{gate, json_response, reject, server_error, Reject};
use crate::records::Family;
use crate::state::{Shared, SimState};

/// The query of a details call.
#[derive(Debug, Deserialize)]
struct TaskQuery {
    #[serde(rename = "taskId")]
    task_id: Option<String>,
}

/// `GET endpoint?taskId=` answering with the records of `family`'s tasks.
pub(crate) fn details_route(endpoint: Endpoint, family: Family) -> MethodRouter<SimState> {
    get(
        move |State(state): State<SimState>, headers: HeaderMap, Query(q): Query<TaskQuery>| async move {
            details(&state.inner, endpoint, family, &headers, q).await
        },
    )
}

async fn details(
    shared: &Arc<Shared>,
    endpoint: Endpoint,
    family: Family,
    headers: &HeaderMap,
    q: TaskQuery,
) -> Response {
    shared.count_request(endpoint);
    if let Err(r) = gate(shared, headers) {
        return reject(shared, r);
    }
    let Some(task_id) = q.task_id.filter(|t| !t.trim().is_empty()) else {
        return reject(shared, Reject::validation("taskId is required"));
    };
    let Some((bytes, d, first_fault, over_limit)) =
        shared.details(&TaskId::new(task_id.as_str()), family)
    else {
        return reject(
            shared,
            Reject::new(ApiCode::NotFound, format!("task {task_id} not found")),
        );
    };
    if over_limit {
        return reject(
            shared,
            Reject::meaning(
                endpoint,
                CodeMeaning::RateLimited,
                "Rate Limited - Maximum query rate exceeded for this task",
            ),
        );
    }
    if d.slow {
        tokio::time::sleep(shared.config.faults.slow_delay).await;
    }
    if first_fault || shared.chance(shared.config.faults.poll_500) {
        return reject(shared, server_error());
    }
    json_response(StatusCode::OK, bytes)
}
