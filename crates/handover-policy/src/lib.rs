//! Catalogs and rules: facts to findings. Pure, no IO, no clock.
