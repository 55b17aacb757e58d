//! USB bundles through the real binary: `bundle make`, `bundle keygen`, `check DIR`.
