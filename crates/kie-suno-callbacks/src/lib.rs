//! kie-suno-callbacks.
