//! What a task looks like at each of its states: the record-info envelope and the
//! callback body, rendered once when the task is created so that a poll is a map
//! lookup and a copy of bytes. One file per family; `stage` and `media` hold what
//! they share.

mod cover_image;
mod lyrics;
mod media;
mod midi;
mod music;
mod separation;
mod single_file;
mod stage;

pub(crate) use cover_image::cover_image;
pub(crate) use lyrics::lyrics;
pub(crate) use media::MediaSpec;
pub(crate) use midi::midi;
pub(crate) use music::{music, MusicDelays, MusicOp, MusicSpec};
pub(crate) use separation::{separation, SepKind};
pub(crate) use single_file::{video, wav};
pub(crate) use stage::{callback_exception, Child, Ctx, Family, Stage};
