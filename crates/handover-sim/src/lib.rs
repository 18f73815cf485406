//! A simulated site: ONVIF devices, WS-Discovery responder, SNMP switch, faults.
