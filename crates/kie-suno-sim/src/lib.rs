//! kie-suno-sim.
