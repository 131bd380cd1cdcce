//! kie-suno-client.
