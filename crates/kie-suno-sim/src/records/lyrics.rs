//! Lyrics records: `PENDING` -> `SUCCESS` with 2 or 3 generated variations, or one
//! of the lyrics failure statuses, and the matching callback.

use std::time::Duration;

use kie_suno_types::{
    ApiCode, ApiResponse, GenerateLyricsRequest, LyricsCallback, LyricsCallbackData,
    LyricsCallbackItem, LyricsRecord, LyricsResponse, LyricsStatus, LyricsVariation, RawParam,
};

use super::stage::{failure_code, to_bytes, Ctx, Stage};
use crate::keywords::Outcome;
use crate::lyricsgen;

/// Lyrics: `PENDING` -> `SUCCESS` (2-3 variations) or a failure status.
pub(crate) fn lyrics(ctx: &Ctx, req: &GenerateLyricsRequest, delay: Duration) -> Vec<Stage> {
    let id = ctx.task_id.clone();
    let param = RawParam::from_value(req).ok();
    let record = |status: LyricsStatus| {
        let mut r = LyricsRecord::new(id.clone(), status);
        r.param = param.clone();
        r.task_type = Some("LYRICS".to_owned());
        r
    };
    let pending = Stage {
        status: LyricsStatus::Pending.as_str().to_owned(),
        delay: Duration::ZERO,
        details: to_bytes(&ApiResponse::success(record(LyricsStatus::Pending))),
        callback: None,
        refund: false,
    };
    if ctx.outcome == Outcome::Stall {
        return vec![pending];
    }
    let prompt = crate::keywords::strip(req.prompt().as_str());
    let last = match ctx.outcome {
        Outcome::Success => {
            let variations: Vec<LyricsVariation> = (0..lyricsgen::variation_count(&prompt))
                .map(|i| {
                    LyricsVariation::complete(
                        lyricsgen::title(&prompt, i),
                        lyricsgen::lyrics(&prompt, i),
                    )
                })
                .collect();
            let mut r = record(LyricsStatus::Success);
            let mut response = LyricsResponse::default();
            response.task_id = Some(id.clone());
            response.data = Some(variations.clone());
            r.response = Some(response);
            let items: Vec<LyricsCallbackItem> = variations.into_iter().map(Into::into).collect();
            let cb = LyricsCallback::new(
                ApiCode::Success,
                "All generated successfully.",
                LyricsCallbackData::new(id.clone(), Some(items)),
            );
            Stage {
                status: LyricsStatus::Success.as_str().to_owned(),
                delay,
                details: to_bytes(&ApiResponse::success(r)),
                callback: Some(("complete".to_owned(), to_bytes(&cb))),
                refund: false,
            }
        }
        outcome => {
            let status = match outcome {
                Outcome::Sensitive => LyricsStatus::SensitiveWordError,
                Outcome::CreateFailed => LyricsStatus::CreateTaskFailed,
                _ => LyricsStatus::GenerateLyricsFailed,
            };
            let (code, msg, refund) =
                failure_code(outcome, 500, "Internal Error - Please try again later.");
            let mut r = record(status.clone());
            r.error_code = Some(code.into());
            r.error_message = Some(msg.clone());
            let cb = LyricsCallback::new(
                ApiCode::from_i64(code),
                msg,
                LyricsCallbackData::new(id.clone(), None),
            );
            Stage {
                status: status.as_str().to_owned(),
                delay,
                details: to_bytes(&ApiResponse::success(r)),
                callback: Some(("complete".to_owned(), to_bytes(&cb))),
                refund,
            }
        }
    };
    vec![pending, last]
}
