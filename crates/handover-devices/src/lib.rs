//! Talking to devices: discovery, ONVIF sessions, switch queries.
