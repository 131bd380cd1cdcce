//! Style boost: `POST /api/v1/style/generate`, answered at once with the content
//! and tags drawn from it.

use axum::Router;
use kie_suno_types::{BoostStyleRequest, Endpoint};
use serde_json::{json, Value};

use super::envelope::{typed, Reject};
use super::pipeline::{create_route, Accepted, Spec};
use crate::keywords;
use crate::state::{Shared, SimState};

/// Adds the style boost route.
pub(crate) fn routes(router: Router<SimState>) -> Router<SimState> {
    router.route(
        Endpoint::BoostStyle.path(),
        create_route(Endpoint::BoostStyle, validate),
    )
}

fn validate(shared: &Shared, endpoint: Endpoint, v: &Value) -> Result<Accepted, Reject> {
    let req: BoostStyleRequest = typed(v)?;
    let content = req.content();
    let result = format!(
        "{}, {}",
        keywords::strip(content),
        crate::lyricsgen::tags(content)
    );
    let credits = shared.balance();
    let cost = shared.config.costs.of(endpoint);
    let data = json!({
        "taskId": shared.new_task_id(),
        "param": v.to_string(),
        "result": result,
        "creditsConsumed": cost,
        "creditsRemaining": credits.saturating_sub(cost),
        "successFlag": "1",
        "errorCode": null,
        "errorMessage": null,
        "createTime": shared.config.clock.now().format("%Y-%m-%d %H:%M:%S").to_string(),
    });
    Ok(Accepted::new(Spec::Sync(data), None))
}
