//! Id newtypes: task ids, audio ids, persona ids.

use crate::macros::id_newtype;

id_newtype!(
    /// The id of an asynchronous task (`taskId` / `task_id` on the wire).
    TaskId
);
id_newtype!(
    /// The id of one generated track (`audioId`, or `id` inside a track).
    AudioId
);
id_newtype!(
    /// The id of a persona created by the persona endpoint.
    PersonaId
);
