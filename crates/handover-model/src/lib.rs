//! Domain nouns of Handover: site, plan, device, finding, waiver. No IO.
