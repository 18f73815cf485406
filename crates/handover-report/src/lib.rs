//! The handover report: model, PDF, PAdES signature, verification.
